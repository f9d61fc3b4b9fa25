// Lists Prometheus metric definitions (prometheus.*Opts composite literals) under the given roots.
// Output: kind<TAB>namespace<TAB>subsystem<TAB>name<TAB>file, where an unresolved identifier is printed as ?ident.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	for _, root := range os.Args[1:] {
		pkgs := map[string][]*ast.File{}
		fset := token.NewFileSet()
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return nil
			}
			pkgs[filepath.Dir(p)] = append(pkgs[filepath.Dir(p)], f)
			return nil
		})
		for _, files := range pkgs {
			consts := map[string]string{}
			for _, f := range files {
				for _, d := range f.Decls {
					g, ok := d.(*ast.GenDecl)
					if !ok || g.Tok != token.CONST {
						continue
					}
					for _, s := range g.Specs {
						vs := s.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
									v, _ := strconv.Unquote(bl.Value)
									consts[n.Name] = v
								}
							}
						}
					}
				}
			}
			val := func(e ast.Expr) string {
				switch x := e.(type) {
				case *ast.BasicLit:
					v, _ := strconv.Unquote(x.Value)
					return v
				case *ast.Ident:
					if v, ok := consts[x.Name]; ok {
						return v
					}
					return "?" + x.Name
				case *ast.SelectorExpr:
					return "?" + fmt.Sprint(x.X) + "." + x.Sel.Name
				}
				return "?expr"
			}
			for _, f := range files {
				promName := ""
				for _, imp := range f.Imports {
					if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/prometheus/client_golang/prometheus" {
						promName = "prometheus"
						if imp.Name != nil {
							promName = imp.Name.Name
						}
					}
				}
				if promName == "" {
					continue
				}
				ast.Inspect(f, func(n ast.Node) bool {
					cl, ok := n.(*ast.CompositeLit)
					if !ok {
						return true
					}
					sel, ok := cl.Type.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					if id, ok := sel.X.(*ast.Ident); !ok || id.Name != promName || !strings.HasSuffix(sel.Sel.Name, "Opts") {
						return true
					}
					kind := strings.TrimSuffix(strings.TrimSuffix(sel.Sel.Name, "Opts"), "Vec")
					ns, sub, name := "", "", ""
					for _, el := range cl.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						switch fmt.Sprint(kv.Key) {
						case "Namespace":
							ns = val(kv.Value)
						case "Subsystem":
							sub = val(kv.Value)
						case "Name":
							name = val(kv.Value)
						}
					}
					rel, _ := filepath.Rel(root, fset.Position(cl.Pos()).Filename)
					fmt.Printf("%s\t%s\t%s\t%s\t%s:%d\n", kind, ns, sub, name, filepath.Join(filepath.Base(root), rel), fset.Position(cl.Pos()).Line)
					return true
				})
			}
		}
	}
}
