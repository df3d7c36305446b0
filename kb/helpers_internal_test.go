package kb

import "testing"

// shippedKB returns the embedded default knowledge base, for the package's
// internal tests.
func shippedKB(tb testing.TB) *KB {
	tb.Helper()
	k, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}
