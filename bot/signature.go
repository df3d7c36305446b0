package bot

import (
	"crypto/ed25519"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// signatureKey checks Ed25519 signatures made with one public key, the
// application's, which verifies every request the endpoint receives. It
// decodes the key once and keeps the table of its multiples that checking a
// signature needs (curve25519-voi's expanded public key, about 1.5 KiB),
// which crypto/ed25519 builds again for every signature: 28 µs a signature
// instead of 43 on this machine (BenchmarkSignatureKey). It accepts exactly
// the signatures crypto/ed25519.Verify accepts (voi's VerifyOptionsStdLib:
// S must be below the group order, R is compared as encoded, the
// cofactorless equation; TestSignatureKey_SameAsStdlib checks it on
// malleable, non-canonical and small-order cases). Safe for concurrent use;
// the zero value accepts nothing.
type signatureKey struct {
	x    *voi.ExpandedPublicKey
	opts *voi.Options
}

// newSignatureKey expands pub. A key of the wrong length, or one that is no
// point of the curve (which crypto/ed25519 would refuse every signature
// of), gives a key that accepts nothing.
func newSignatureKey(pub ed25519.PublicKey) signatureKey {
	if len(pub) != ed25519.PublicKeySize {
		return signatureKey{}
	}
	x, err := voi.NewExpandedPublicKey(voi.PublicKey(pub))
	if err != nil {
		return signatureKey{}
	}
	return signatureKey{x: x, opts: &voi.Options{Verify: voi.VerifyOptionsStdLib}}
}

// verify reports whether sig is a valid signature of msg, as
// ed25519.Verify(pub, msg, sig) does.
func (k signatureKey) verify(msg, sig []byte) bool {
	if k.x == nil || len(sig) != ed25519.SignatureSize {
		return false
	}
	return voi.VerifyExpandedWithOptions(k.x, msg, sig, k.opts)
}
