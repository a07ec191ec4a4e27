package signature

import "crypto/sha256"

// equalHex reports whether s, which may hold any bytes, is the 64 hex
// digits that spell sum, in either case. It compares in the digits' space
// instead of decoding s: sum is spelt in lower-case digits eight at a time
// with arithmetic alone (no table indexed by the MAC, whose cache lines
// could leak it), and each byte of s must be that digit or, for a letter,
// its upper-case form. Any other byte, including one that is no hex digit
// at all, makes it false. Apart from s's length, which is public, it takes
// the same time whatever the bytes, like hmac.Equal, and about half as
// long as decoding s and comparing the bytes.
func equalHex(sum *[sha256.Size]byte, s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	const (
		lanes = 0x0101010101010101
		low   = 0x000f000f000f000f
	)
	var diff uint64
	for k := 0; k < 2*sha256.Size; k += 8 {
		// The four bytes sum[k/2:k/2+4], one per 16-bit slot...
		x := uint64(sum[k/2]) | uint64(sum[k/2+1])<<16 | uint64(sum[k/2+2])<<32 | uint64(sum[k/2+3])<<48
		// ...then one nibble a byte, in reading order: high nibble first.
		n := x>>4&low | (x&low)<<8
		// Lower-case digits: '0'+n, plus 'a'-'0'-10 where n > 9.
		d := n + '0'*lanes + ((n+6*lanes)>>4&lanes)*('a'-'0'-10)
		c := load64(s[k:])
		// c|0x20 folds 'A'-'F' onto 'a'-'f', but also 0x10-0x19 onto
		// '0'-'9': where d is a digit (bit 0x40 clear) c must already
		// have bit 0x20 set.
		diff |= (c | 0x20*lanes) ^ d | ^c&^(d>>1)&(0x20*lanes)
	}
	return diff == 0
}

// load64 returns s[0:8] as a little-endian word: s[0] is the low byte. The
// compiler makes it one load.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// validHex reports whether s is all hex digits, of either case. Verify asks
// it only on its way to an error, to tell ErrMalformed from the others.
func validHex(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
