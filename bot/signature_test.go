package bot

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"math/big"
	"slices"
	"strconv"
	"testing"
	"time"
)

// le decodes a little-endian 32-byte hex string.
func le(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad test vector %q", s)
	}
	return b
}

// scalarBytes is n as 32 little-endian bytes.
func scalarBytes(n *big.Int) []byte {
	b := make([]byte, 32)
	n.FillBytes(b)
	slices.Reverse(b)
	return b
}

// TestSignatureKey_SameAsStdlib checks that signatureKey accepts and refuses
// exactly what crypto/ed25519.Verify does: real signatures and every
// one-bit change of them, the malleable S+L, and every combination of
// small-order, non-canonical and invalid public keys and R values with
// edge-case S values (the cases where Ed25519 implementations disagree).
func TestSignatureKey_SameAsStdlib(t *testing.T) {
	order, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	// Points as encoded: the eight small-order points (with the sign bit
	// set on those whose x is 0 as well), non-canonical encodings (y = p,
	// p+1 = 1, with and without the sign bit), and y values on no point.
	special := []string{
		"0100000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000080",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0000000000000000000000000000000000000000000000000000000000000080",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0200000000000000000000000000000000000000000000000000000000000000",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	}
	var accepted, refused int
	check := func(t *testing.T, what string, pub ed25519.PublicKey, msg, sig []byte) {
		t.Helper()
		want := ed25519.Verify(pub, msg, sig)
		if got := newSignatureKey(pub).verify(msg, sig); got != want {
			t.Errorf("%s: key %x sig %x: verify = %v, crypto/ed25519 = %v", what, pub, sig, got, want)
		}
		if want {
			accepted++
		} else {
			refused++
		}
	}
	msg := []byte(`1764554400{"type":1,"id":"1300000000000000001"}`)

	t.Run("RealSignatures", func(t *testing.T) {
		for range 3 {
			pub, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			sig := ed25519.Sign(priv, msg)
			check(t, "signed", pub, msg, sig)
			check(t, "other message", pub, append(slices.Clone(msg), ' '), sig)
			check(t, "short", pub, msg, sig[:63])
			for bit := range 8 * len(sig) {
				bad := slices.Clone(sig)
				bad[bit/8] ^= 1 << (bit % 8)
				check(t, "bit "+strconv.Itoa(bit), pub, msg, bad)
			}
			// S+L: the same signature, malleated; RFC 8032 refuses it.
			be := slices.Clone(sig[32:])
			slices.Reverse(be)
			s := new(big.Int).SetBytes(be)
			malleated := append(slices.Clone(sig[:32]), scalarBytes(s.Add(s, order))...)
			check(t, "S+L", pub, msg, malleated)
		}
	})

	t.Run("EdgeCases", func(t *testing.T) {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		realR := ed25519.Sign(priv, msg)[:32]
		scalars := [][]byte{
			scalarBytes(big.NewInt(0)), scalarBytes(big.NewInt(1)),
			scalarBytes(new(big.Int).Sub(order, big.NewInt(1))), scalarBytes(order),
			scalarBytes(new(big.Int).Add(order, big.NewInt(1))),
		}
		keys := []ed25519.PublicKey{pub}
		rs := [][]byte{realR}
		for _, s := range special {
			keys = append(keys, le(t, s))
			rs = append(rs, le(t, s))
		}
		for _, a := range keys {
			for _, r := range rs {
				for _, s := range scalars {
					check(t, "edge", a, msg, append(slices.Clone(r), s...))
				}
			}
		}
	})
	// Both kinds of outcome occur (A = R = the identity, S = 0 is a valid
	// signature of anything under cofactorless verification).
	if accepted == 0 || refused == 0 {
		t.Fatalf("accepted %d, refused %d: the cases do not exercise both outcomes", accepted, refused)
	}
	t.Logf("%d accepted, %d refused, the same as crypto/ed25519", accepted, refused)
}

// TestSignatureKey_Unusable checks that a key that is no key accepts nothing.
func TestSignatureKey_Unusable(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sig := ed25519.Sign(priv, []byte("m"))
	for name, pub := range map[string]ed25519.PublicKey{"nil": nil, "short": make([]byte, 31), "not a point": le(t, "0200000000000000000000000000000000000000000000000000000000000000")} {
		if newSignatureKey(pub).verify([]byte("m"), sig) {
			t.Errorf("%s key accepted a signature", name)
		}
	}
	if (signatureKey{}).verify([]byte("m"), sig) {
		t.Error("the zero key accepted a signature")
	}
}

// BenchmarkSignatureKey compares checking one signature over a real /ask
// body with crypto/ed25519 (which decodes the key and builds its table of
// multiples for every signature) and with signatureKey (which did both
// once).
func BenchmarkSignatureKey(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	signed := append([]byte(strconv.FormatInt(time.Now().Unix(), 10)), slashBody("1300000000000000001", "ask")...)
	sig := ed25519.Sign(priv, signed)
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, signed, sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("expanded", func(b *testing.B) {
		k := newSignatureKey(pub)
		b.ReportAllocs()
		for b.Loop() {
			if !k.verify(signed, sig) {
				b.Fatal("refused")
			}
		}
	})
}
