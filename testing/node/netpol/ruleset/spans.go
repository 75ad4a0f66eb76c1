package ruleset

import (
	"fmt"
	"math/bits"
	"net/netip"
	"sort"
	"strings"
)

// span is an inclusive range of IPv4 addresses (as numbers) or of ports.
type span struct{ lo, hi uint32 }

func addrValue(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func valueAddr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func prefixSpan(p netip.Prefix) span {
	lo := addrValue(p.Addr())
	size := uint64(1) << (32 - p.Bits())
	return span{lo, uint32(uint64(lo) + size - 1)}
}

// mergeSpans sorts spans and merges the overlapping ones: nft refuses overlapping elements in
// an interval set.
func mergeSpans(in []span) []span {
	if len(in) == 0 {
		return nil
	}
	s := append([]span(nil), in...)
	sort.Slice(s, func(i, j int) bool { return s[i].lo < s[j].lo || (s[i].lo == s[j].lo && s[i].hi < s[j].hi) })
	out := []span{s[0]}
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.lo <= last.hi {
			last.hi = max(last.hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

// subtract removes cut from every span.
func subtract(in []span, cut span) []span {
	var out []span
	for _, s := range in {
		if cut.hi < s.lo || cut.lo > s.hi {
			out = append(out, s)
			continue
		}
		if cut.lo > s.lo {
			out = append(out, span{s.lo, cut.lo - 1})
		}
		if cut.hi < s.hi {
			out = append(out, span{cut.hi + 1, s.hi})
		}
	}
	return out
}

func containsAddr(spans []span, a netip.Addr) bool {
	v := addrValue(a)
	for _, s := range spans {
		if v >= s.lo && v <= s.hi {
			return true
		}
	}
	return false
}

// addrElem prints a span as an address, as a prefix when it is exactly one, or as a range.
func addrElem(s span) string {
	if s.lo == s.hi {
		return valueAddr(s.lo).String()
	}
	size := uint64(s.hi) - uint64(s.lo) + 1
	if size&(size-1) == 0 && uint64(s.lo)%size == 0 {
		return fmt.Sprintf("%s/%d", valueAddr(s.lo), 32-(bits.Len64(size)-1))
	}
	return valueAddr(s.lo).String() + "-" + valueAddr(s.hi).String()
}

func portElem(s span) string {
	if s.lo == s.hi {
		return fmt.Sprint(s.lo)
	}
	return fmt.Sprintf("%d-%d", s.lo, s.hi)
}

func setExpr(spans []span, elem func(span) string) string {
	if len(spans) == 1 {
		return elem(spans[0])
	}
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = elem(s)
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
