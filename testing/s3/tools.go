//go:build tools

// Package tools pins the S3 server's main package in this wrapper module (see go.mod).
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
