package compiler

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// largeManifest is a manifest of n distinct grants of one kind. The fs one
// alternates covering grants ("/w/7/**") with grants they cover
// ("/w/7/x"), so that merging has work to do.
func largeManifest(kind CapKind, n int) []byte {
	var b strings.Builder
	b.WriteString(`{"name":"big","version":"1","tools":[{"name":"t","capabilities":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		s := strconv.Itoa(i)
		switch kind {
		case KindFS:
			if i%2 == 0 {
				fmt.Fprintf(&b, `"fs:read:/w/%d/**"`, i/2)
			} else {
				fmt.Fprintf(&b, `"fs:write:/w/%d/x"`, i/2)
			}
		case KindNet:
			fmt.Fprintf(&b, `"net:connect:h%s.example.com:%d"`, s, 1+i%65535)
		case KindEnv:
			fmt.Fprintf(&b, `"env:read:V_%s"`, s)
		case KindExec:
			fmt.Fprintf(&b, `"exec:spawn:b%s"`, s)
		case KindIPC:
			fmt.Fprintf(&b, `"ipc:connect:\"unix:/run/%s.sock\""`, s)
		case KindAssert:
			fmt.Fprintf(&b, `"assert:a%s:d"`, s)
		}
	}
	b.WriteString(`]}]}`)
	return []byte(b.String())
}

// compileLarge is Compile without the size limit.
func compileLarge(src []byte) (*Result, error) {
	c := new(compiled)
	if err := c.prepare(src, c.lowerAll, prep{limit: len(src)}); err != nil {
		return nil, err
	}
	return &c.r, nil
}

// BenchmarkCompileLarge compiles manifests of 30,000 and 60,000 distinct
// grants of each kind: normalising, merging and lowering must stay
// O(n log n), so the 60,000 figure should be about twice the 30,000 one.
// These manifests are larger than MaxManifestBytes, so they bypass it.
func BenchmarkCompileLarge(b *testing.B) {
	for _, kind := range []CapKind{KindFS, KindNet, KindEnv, KindExec, KindIPC, KindAssert} {
		for _, n := range []int{30000, 60000} {
			b.Run(fmt.Sprintf("%s-%d", kind, n), func(b *testing.B) {
				src := largeManifest(kind, n)
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := compileLarge(src); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
