// Ours, not flyctl's: build.sh adds this file to a writable copy of flyctl's
// internal/command/secrets package, so that testing/dotenv-probe/main.go can call the unexported
// parser that `fly secrets import` uses. Nothing of flyctl's own files is changed.
package secrets

import "io"

// DotenvProbeParse is parseSecrets, exactly as `fly secrets import` calls it on its stdin.
func DotenvProbeParse(reader io.Reader) (map[string]string, error) {
	return parseSecrets(reader)
}
