// Package archtest holds the test that keeps the import rules of
// docs/architecture.md: the table there is the one list of what each
// package may import.
package archtest
