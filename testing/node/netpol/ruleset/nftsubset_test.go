package ruleset

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// packet is what the interpreter below judges: the first packet of a connection, or one of an
// established one.
type packet struct {
	src, dst    netip.Addr
	proto       string
	port        uint32
	established bool
}

var trailingComment = regexp.MustCompile(`\s+comment\s+"[^"]*"$`)

// accepted interprets a script of Render's for one packet, the way the kernel runs the forward
// chain: only the subset of nft that Render writes is understood, anything else fails the
// test. That the kernel takes the same text is checked by TestKernelAcceptsEveryScript.
func accepted(t *testing.T, script string, p packet) bool {
	t.Helper()
	chains := parseChains(t, script)
	for _, line := range chains["forward"] {
		switch {
		case strings.HasPrefix(line, "type filter hook forward priority filter;"):
		case line == "ct state established,related accept":
			if p.established {
				return true
			}
		case strings.HasPrefix(line, "ip saddr vmap "), strings.HasPrefix(line, "ip daddr vmap "):
			addr := p.src
			if strings.HasPrefix(line, "ip daddr") {
				addr = p.dst
			}
			if chain, ok := jumpTarget(t, line[len("ip saddr vmap "):], addr); ok {
				if !passes(t, chains[chain], p) {
					return false
				}
			}
		case strings.HasPrefix(line, "ip saddr ") && strings.HasSuffix(line, " accept"):
			set := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(line, "ip saddr "), " accept"))
			if inSet(t, set, addrContains(p.src)) {
				return true
			}
		default:
			t.Fatalf("forward chain: line not understood: %q", line)
		}
	}
	return true // policy accept
}

func parseChains(t *testing.T, script string) map[string][]string {
	t.Helper()
	chains := map[string][]string{}
	current := ""
	for _, raw := range strings.Split(script, "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(line, "chain ") && strings.HasSuffix(line, " {"):
			current = strings.TrimSuffix(strings.TrimPrefix(line, "chain "), " {")
		case line == "}":
			current = ""
		case current != "" && line != "" && !strings.HasPrefix(line, "comment "):
			chains[current] = append(chains[current], line)
		}
	}
	return chains
}

// jumpTarget looks addr up in "{ A : jump C, ... }".
func jumpTarget(t *testing.T, vmap string, addr netip.Addr) (string, bool) {
	t.Helper()
	body := strings.TrimSuffix(strings.TrimPrefix(vmap, "{ "), " }")
	for _, entry := range strings.Split(body, ", ") {
		f := strings.Fields(entry)
		if len(f) != 4 || f[1] != ":" || f[2] != "jump" {
			t.Fatalf("vmap entry not understood: %q", entry)
		}
		if netip.MustParseAddr(f[0]) == addr {
			return f[3], true
		}
	}
	return "", false
}

// passes runs a pod's chain: true when a rule returns, false at its drop.
func passes(t *testing.T, rules []string, p packet) bool {
	t.Helper()
	for _, rule := range rules {
		if rule == "counter drop" {
			return false
		}
		tok := strings.Fields(trailingComment.ReplaceAllString(rule, ""))
		if len(tok) == 0 || tok[len(tok)-1] != "return" {
			t.Fatalf("rule not understood: %q", rule)
		}
		if ruleMatches(t, tok[:len(tok)-1], p) {
			return true
		}
	}
	t.Fatalf("chain without a final drop: %q", rules)
	return false
}

func ruleMatches(t *testing.T, tok []string, p packet) bool {
	t.Helper()
	ok := true
	for len(tok) > 0 {
		if len(tok) < 3 {
			t.Fatalf("match not understood: %q", tok)
		}
		key := tok[0] + " " + tok[1]
		var set []string
		set, tok = takeSet(t, tok[2:])
		switch key {
		case "ip saddr":
			ok = ok && inSet(t, set, addrContains(p.src))
		case "ip daddr":
			ok = ok && inSet(t, set, addrContains(p.dst))
		case "meta l4proto":
			ok = ok && len(set) == 1 && set[0] == p.proto
		case "th dport":
			ok = ok && inSet(t, set, portContains(p.port))
		default:
			t.Fatalf("match not understood: %q", key)
		}
	}
	return ok
}

// takeSet splits off one value or a "{ a, b }" set.
func takeSet(t *testing.T, tok []string) (set, rest []string) {
	t.Helper()
	if tok[0] != "{" {
		return tok[:1], tok[1:]
	}
	for i, s := range tok[1:] {
		if s == "}" {
			return set, tok[i+2:]
		}
		set = append(set, strings.TrimSuffix(s, ","))
	}
	t.Fatalf("unclosed set in %q", tok)
	return nil, nil
}

func inSet(t *testing.T, set []string, contains func(t *testing.T, elem string) bool) bool {
	t.Helper()
	for _, e := range set {
		if contains(t, e) {
			return true
		}
	}
	return false
}

func addrContains(a netip.Addr) func(*testing.T, string) bool {
	return func(t *testing.T, e string) bool {
		t.Helper()
		if lo, hi, ok := strings.Cut(e, "-"); ok {
			l, h := netip.MustParseAddr(lo), netip.MustParseAddr(hi)
			return l.Compare(a) <= 0 && a.Compare(h) <= 0
		}
		if strings.Contains(e, "/") {
			return netip.MustParsePrefix(e).Contains(a)
		}
		return netip.MustParseAddr(e) == a
	}
}

func portContains(port uint32) func(*testing.T, string) bool {
	return func(t *testing.T, e string) bool {
		t.Helper()
		lo, hi, ok := strings.Cut(e, "-")
		if !ok {
			hi = lo
		}
		l, err1 := strconv.ParseUint(lo, 10, 16)
		h, err2 := strconv.ParseUint(hi, 10, 16)
		if err1 != nil || err2 != nil {
			t.Fatalf("port element not understood: %q", e)
		}
		return uint64(port) >= l && uint64(port) <= h
	}
}
