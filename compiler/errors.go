package compiler

import (
	"fmt"
	"strings"

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

// Error is a compilation error: a capgate error code, capgate's message for
// it, and where in the manifest it arose.
type Error struct {
	Code string
	// Message is capgate's message, byte for byte where capgate has one
	// (for example `[CAP_NET_PORT] net port out of range: "abc"`).
	Message string
	// Pos is the position of the offending JSON value; Line is 0 when
	// the error has no place (an empty file, say).
	Pos Pos
}

func (e *Error) Error() string { return e.Message }

// Detail is the message without capgate's leading "[CODE] ".
func (e *Error) Detail() string {
	return strings.TrimPrefix(e.Message, "["+e.Code+"] ")
}

// Diag returns the error as the module's diagnostic of path: its code,
// its Detail and its position (Line 0 when it has no place).
func (e *Error) Diag(path string) diag.Diagnostic {
	return diag.Diagnostic{Path: path, Code: e.Code, Message: e.Detail(), Line: e.Pos.Line, Col: e.Pos.Col}
}

// Positioned formats the error as "path:line:col: detail [CODE]" (1:1 when
// it has no place).
func (e *Error) Positioned(path string) string { return e.Diag(path).String() }

func errAt(pos Pos, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: "[" + code + "] " + fmt.Sprintf(format, args...), Pos: pos}
}

// jsQuote quotes s as JSON.stringify would, which is how capgate's messages
// quote values.
func jsQuote(s string) string { return string(jsonx.AppendString(nil, s)) }
