package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/slackgen/slackgen/internal/atomicfile"
)

// writeEnvFile sets the KEY=value pairs of kv in the env file at path,
// keeping its other lines (an app's .env may hold DATABASE_URL and the
// like), and replaces the file atomically. Secrets are in it: a new file
// gets mode 0600, an existing one keeps its owner's permission bits and
// loses any group and other bits (0644 becomes 0600, 0400 stays 0400).
//
// A path that is a symbolic link (.env -> ../secrets/app.env) is written
// through: the file it points at is updated and the link stays; a link
// that leads to no file is an error telling to create the file or remove
// the link (see internal/atomicfile).
func writeEnvFile(path string, kv []string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	set := map[string]string{}
	var order []string
	for _, pair := range kv {
		k, v, _ := strings.Cut(pair, "=")
		set[k] = v
		order = append(order, k)
	}
	var out bytes.Buffer
	written := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(old))
	for sc.Scan() {
		line := sc.Text()
		key, _, isPair := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		key = strings.TrimSpace(key)
		if v, ours := set[key]; isPair && ours {
			if !written[key] {
				fmt.Fprintf(&out, "%s=%s\n", key, v)
				written[key] = true
			}
			continue
		}
		out.WriteString(line + "\n")
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if len(old) == 0 {
		out.WriteString("# Written by `slackgen emulate`: the local Slack emulator's app credentials.\n")
	}
	for _, k := range order {
		if !written[k] {
			fmt.Fprintf(&out, "%s=%s\n", k, set[k])
		}
	}
	perm := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil { // the link's target for a link
		perm = fi.Mode().Perm() &^ 0o077
	}
	return atomicfile.Write(path, out.Bytes(), perm)
}

// readEnvValue returns the value of key in the env file at path.
func readEnvValue(path, key string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if ok && strings.TrimSpace(k) == key {
			return strings.Trim(strings.TrimSpace(v), `"'`), nil
		}
	}
	return "", fmt.Errorf("%s has no %s", path, key)
}
