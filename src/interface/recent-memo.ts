/**
 * A memo of a pure function's last few answers, keyed by text that pins down its input exactly.
 *
 * Real Juju runs every hook in a fresh process, so this never spans two hooks there. It matters in
 * one process that runs many hooks (the simulator, tests), where a thousand workers read the same
 * coordinator config: parsing it once instead of once per worker is the difference between seconds
 * and a minute. Only for functions whose answer depends on the key alone, and whose answer callers
 * never mutate (callers derive fresh values from it). Bounded: the least recently used entry goes
 * when `capacity` is reached.
 */
export function recentAnswers<Answer>(capacity: number): (key: string, compute: () => Answer) => Answer {
  const answers = new Map<string, Answer>();
  return (key, compute) => {
    if (answers.has(key)) {
      const known = answers.get(key) as Answer;
      // Re-inserting moves the entry to the back: Map iterates in insertion order.
      answers.delete(key);
      answers.set(key, known);
      return known;
    }
    const answer = compute();
    if (answers.size >= capacity) answers.delete(answers.keys().next().value as string);
    answers.set(key, answer);
    return answer;
  };
}

/** `compute` with `recentAnswers`, when the key is the whole input. */
export function memoiseRecent<Answer>(capacity: number, compute: (key: string) => Answer): (key: string) => Answer {
  const recent = recentAnswers<Answer>(capacity);
  return (key) => recent(key, () => compute(key));
}
