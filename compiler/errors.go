package compiler

import (
	"fmt"

	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// The error codes. They are capgate's CompilationError codes, plus
// CodeUnsafe and CodeTooLarge (this port's deliberate divergences: capgate
// compiles unsafe values and manifests of any size) and CodeParse
// (capgate's CLI exit 3: the text is not one JSON value).
const (
	CodeParse              = "PARSE"
	CodeManifestShape      = "MANIFEST_SHAPE"
	CodeGrammarMismatch    = "GRAMMAR_VERSION_MISMATCH"
	CodeMalformed          = "CAP_MALFORMED"
	CodeUnknownKind        = "CAP_UNKNOWN_KIND"
	CodeActionsEmpty       = "CAP_ACTIONS_EMPTY"
	CodeActionUnknown      = "CAP_ACTION_UNKNOWN"
	CodeFSShape            = "CAP_FS_SHAPE"
	CodeFSRelative         = "CAP_FS_RELATIVE"
	CodeNetShape           = "CAP_NET_SHAPE"
	CodeNetPort            = "CAP_NET_PORT"
	CodeEnvShape           = "CAP_ENV_SHAPE"
	CodeEnvName            = "CAP_ENV_NAME"
	CodeExecShape          = "CAP_EXEC_SHAPE"
	CodeExecPath           = "CAP_EXEC_PATH"
	CodeIPCShape           = "CAP_IPC_SHAPE"
	CodeClockShape         = "CAP_CLOCK_SHAPE"
	CodeClockSource        = "CAP_CLOCK_SOURCE"
	CodeAssertShape        = "CAP_ASSERT_SHAPE"
	CodeUnsafe             = "CAP_UNSAFE_VALUE"
	CodeAdapterUnsupported = "ADAPTER_UNSUPPORTED"
	CodeTooLarge           = "MANIFEST_TOO_LARGE"
)

// Error is a compilation error: the module's diagnostic (package diag)
// with a capgate error code, capgate's message for it without the
// leading "[CODE] ", and the position in the manifest of the offending
// JSON value (Line 0 when the error has no place: an empty file, say).
// Its Path is empty: the compiler does not know the file's name (see
// Diag).
type Error struct {
	diag.Diagnostic
	// bare marks this port's own errors (CodeParse, CodeTooLarge,
	// CodeUnsafe), whose message capgate does not prefix with the code.
	bare bool
}

// Error is capgate's message, byte for byte where capgate has one (for
// example `[CAP_NET_PORT] net port out of range: "abc"`).
func (e *Error) Error() string {
	if e.bare {
		return e.Message
	}
	return "[" + e.Code + "] " + e.Message
}

// Diag returns the error as the diagnostic of path.
func (e *Error) Diag(path string) diag.Diagnostic {
	d := e.Diagnostic
	d.Path = path
	return d
}

// errAt is a capgate error: its message is prefixed with "[code] ".
func errAt(pos Pos, code, format string, args ...any) *Error {
	return &Error{Diagnostic: diag.Placed("", pos, code, fmt.Sprintf(format, args...))}
}

// ownErr is one of this port's own errors, whose message is not prefixed.
func ownErr(pos Pos, code, message string) *Error {
	return &Error{Diagnostic: diag.Placed("", pos, code, message), bare: true}
}

// jsQuote quotes s as JSON.stringify would, which is how capgate's messages
// quote values.
func jsQuote(s string) string { return string(jsonx.AppendString(nil, s)) }
