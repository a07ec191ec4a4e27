package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedProjectsCompile generates each project of testdata/cases —
// HTTP and Socket Mode, single workspace and OAuth, SQLite, PostgreSQL and
// file stores — with go mod tidy and a replace to this checkout's runtime,
// then runs go build, go vet and go test in it, outside the workspace.
// It shares the build cache with the rest of the test run.
func TestGeneratedProjectsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four generated projects (about a minute cold); skipped with -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	runtimeDir, err := filepath.Abs(filepath.Join("..", "runtime"))
	if err != nil || !isRuntimeModule(runtimeDir) {
		t.Fatalf("the in-repo runtime module is not at %s", runtimeDir)
	}
	cases, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, src := range cases {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			cfgPath := filepath.Join(dir, ConfigFile)
			cfg, err := LoadConfig(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			cfg.RuntimeDir = runtimeDir
			if err := cfg.Save(cfgPath); err != nil {
				t.Fatal(err)
			}
			res, err := Generate(Options{Dir: dir, Version: DevelVersion})
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			if !res.Tidied {
				t.Error("go mod tidy did not run after go.mod was created")
			}
			if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
				t.Errorf("no go.sum after generate: %v", err)
			}
			for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
				cmd := exec.Command("go", args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
		})
	}
}
