package generator_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/slackgen/slackgen/generator"
)

// A project is a directory with manifest.yaml and slackgen.yaml; Generate
// renders the rest. (SkipTidy keeps this example offline; a real run
// completes go.sum with go mod tidy.)
func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "slackgen-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	manifest := `display_information:
  name: Hello
features:
  slash_commands:
    - command: /hello
      url: https://example.com/slack/events
      description: Say hello
oauth_config:
  scopes:
    bot: [commands]
`
	cfg := generator.DefaultConfig("example.com/hello")
	cfg.RuntimeDir = "../slackgen/runtime"
	if err := cfg.Save(filepath.Join(dir, generator.ConfigFile)); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(manifest), 0o644); err != nil {
		log.Fatal(err)
	}

	res, err := generator.Generate(generator.Options{Dir: dir, SkipTidy: true, Version: generator.DevelVersion})
	if err != nil {
		log.Fatal(err)
	}
	res.Print(os.Stdout)

	// A second run changes nothing.
	res, err = generator.Generate(generator.Options{Dir: dir, Check: true, Version: generator.DevelVersion})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stale:", res.Stale())
	// Output:
	// created    scaffolded  .env.example
	// created    scaffolded  .gitignore
	// created    scaffolded  Dockerfile
	// created    scaffolded  Makefile
	// created    scaffolded  README.md
	// created    scaffolded  go.mod
	// created    scaffolded  handlers/handlers.go
	// created    scaffolded  handlers/hello_command.go
	// created    scaffolded  handlers/hello_command_test.go
	// created    generated   handlers/slackgen_handlers.go
	// created    scaffolded  main.go
	// created    generated   slackgen_app.go
	// stale: false
}
