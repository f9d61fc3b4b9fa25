/**
 * The fake Juju agent: hook commands on PATH answering from a state file, and a driver that runs a
 * charm's `dispatch` for one event and commits its buffered writes only if it exits 0.
 */
export {
  FAKE_HOOK_COMMANDS,
  buildHookEnvironment,
  countCallsByCommand,
  type DispatchResult,
  type FakeHook,
  type FakeHookOutcome,
  type FakeTransport,
  fakeHookToolsDir,
  type HookCommandCall,
  runDispatch,
  startHook,
} from "./driver.js";
export {
  FakeAgentFile,
  FakeEvent,
  FakeHookContext,
  FakeJujuState,
  type FakeJujuStateInput,
  FakeNetwork,
  FakePendingFile,
  FakeRelation,
  FakeSecret,
  FakeStatus,
  fakeJujuState,
  hookContextFor,
  jujuUnitBag,
  singleAddressNetwork,
} from "./state.js";
