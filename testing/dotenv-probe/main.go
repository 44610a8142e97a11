// dotenv-probe: parses `fly secrets import` input with flyctl's own parser
// (internal/command/secrets/parser.go of the pinned flyctl) and prints what it read, so tests can
// compare lib/secretsImport.ts and the flyctl double against the real thing.
//
// It is ours, not flyctl's: build.sh puts it into a writable copy of the flyctl tree (as
// internal/dotenvprobe/main.go, beside secrets/probe_export.go in internal/command/secrets) and builds
// it there, because the parser lives in an internal package.
//
// Protocol (batch, one process for thousands of inputs):
//
//	stdin:  a JSON array of base64 strings, each one whole stdin of `fly secrets import`
//	stdout: a JSON array, one object per input, in order:
//	        {"secrets": [[base64 name, base64 value], ...]}  sorted by name, or
//	        {"error": "..."}                                  parseSecrets returned an error, or
//	        {"panic": "..."}                                  parseSecrets panicked (flyctl would crash)
//
// Base64 on both sides keeps the comparison byte for byte (encoding/json would rewrite invalid UTF-8).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/superfly/flyctl/internal/command/secrets"
)

type result struct {
	Secrets [][2]string `json:"secrets,omitempty"`
	Error   *string     `json:"error,omitempty"`
	Panic   *string     `json:"panic,omitempty"`
}

func parseOne(input []byte) (res result) {
	defer func() {
		if p := recover(); p != nil {
			text := fmt.Sprint(p)
			res = result{Panic: &text}
		}
	}()
	parsed, err := secrets.DotenvProbeParse(bytes.NewReader(input))
	if err != nil {
		text := err.Error()
		return result{Error: &text}
	}
	names := make([]string, 0, len(parsed))
	for name := range parsed {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([][2]string, 0, len(names))
	for _, name := range names {
		pairs = append(pairs, [2]string{
			base64.StdEncoding.EncodeToString([]byte(name)),
			base64.StdEncoding.EncodeToString([]byte(parsed[name])),
		})
	}
	return result{Secrets: pairs}
}

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dotenv-probe: reading stdin:", err)
		os.Exit(2)
	}
	var inputs []string
	if err := json.Unmarshal(raw, &inputs); err != nil {
		fmt.Fprintln(os.Stderr, "dotenv-probe: stdin must be a JSON array of base64 strings:", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(inputs))
	for i, encoded := range inputs {
		input, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			fmt.Fprintf(os.Stderr, "dotenv-probe: input %d is not base64: %v\n", i, err)
			os.Exit(2)
		}
		results = append(results, parseOne(input))
	}
	out, err := json.Marshal(results)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dotenv-probe:", err)
		os.Exit(2)
	}
	os.Stdout.Write(append(out, '\n'))
}
