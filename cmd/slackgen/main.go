// Command slackgen generates and regenerates Slack apps in Go from a Slack app
// manifest. See https://github.com/slackgen/slackgen.
package main

import (
	"os"

	"github.com/slackgen/slackgen/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
