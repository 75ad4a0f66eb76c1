// Package ruleset is the pure part of the enforcer: pods, namespaces and NetworkPolicies in, the
// text of one nftables script out. It talks to neither the API server nor the kernel.
//
// What the script does, for IPv4 pods of the one node:
//   - one base chain on the forward hook at filter priority, i.e. after kube-proxy's DNAT, so a
//     connection to a Service is judged by the pod it was translated to. With br_netfilter on,
//     pod-to-pod traffic over the bridge passes the forward hook too.
//   - replies (ct state established,related) and traffic from the node's own addresses pass.
//   - a pod selected for egress by some policy gets a chain that returns when one egress rule
//     of those policies admits the packet and drops it otherwise; the same for ingress. A packet
//     has to pass its source's egress chain and then its destination's ingress chain.
//
// Not filtered here, by design: what the node sends (output hook) and what pods send to the
// node's own addresses (input hook), such as DNS and the API forwarder of the test bed.
package ruleset

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Input is everything the script depends on.
type Input struct {
	Table      string       // the nftables table (family inet) the script replaces
	NodeIPs    []netip.Addr // traffic from these addresses is never filtered
	Pods       []*corev1.Pod
	Namespaces []*corev1.Namespace
	Policies   []*networkingv1.NetworkPolicy
}

// Ruleset is what Render produces.
type Ruleset struct {
	Script          string   // input for `nft -f -`: replaces the whole table in one transaction
	Warnings        []string // what was skipped, and why
	Pods            int      // pods taken into account (an IPv4 address, not host network, not ended)
	Policies        int
	IngressIsolated int // pods with an ingress chain
	EgressIsolated  int // pods with an egress chain
}

// podChain is the chain of one isolated pod: the rules that admit, then a drop.
type podChain struct {
	name  string
	pod   *netPod
	rules []match
}

// Render computes the script for in.Table. It starts with "add table; delete table" so that
// applying it replaces whatever the table held before, atomically.
func Render(in Input) Ruleset {
	r := newRenderer(in.Pods, in.Namespaces)
	policies := sortedPolicies(in.Policies)
	compiled := make([]*compiledPolicy, 0, len(policies))
	for _, p := range policies {
		compiled = append(compiled, r.compile(p))
	}
	var ingress, egress []podChain
	for _, p := range r.pods {
		if rules, isolated := r.ingressRules(p, compiled); isolated {
			ingress = append(ingress, podChain{"ingress-" + dashed(p.ip), p, rules})
		}
		if rules, isolated := r.egressRules(p, compiled); isolated {
			egress = append(egress, podChain{"egress-" + dashed(p.ip), p, rules})
		}
	}
	return Ruleset{
		Script:          script(in.Table, in.NodeIPs, egress, ingress),
		Warnings:        r.warnings,
		Pods:            len(r.pods),
		Policies:        len(policies),
		IngressIsolated: len(ingress),
		EgressIsolated:  len(egress),
	}
}

func sortedPolicies(in []*networkingv1.NetworkPolicy) []*networkingv1.NetworkPolicy {
	out := append([]*networkingv1.NetworkPolicy(nil), in...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ingressRules: the rules of every policy that selects p for ingress; isolated when there is one.
func (r *renderer) ingressRules(p *netPod, policies []*compiledPolicy) (rules []match, isolated bool) {
	for _, cp := range policies {
		if !cp.ingress || !cp.selected[p] {
			continue
		}
		isolated = true
		for i, rule := range cp.obj.Spec.Ingress {
			where := fmt.Sprintf("%s ingress[%d]", cp.name(), i)
			rules = append(rules, r.ingressMatches(where, cp.obj.Namespace, p, rule)...)
		}
	}
	return rules, isolated
}

// egressRules: the same for egress.
func (r *renderer) egressRules(p *netPod, policies []*compiledPolicy) (rules []match, isolated bool) {
	for _, cp := range policies {
		if !cp.egress || !cp.selected[p] {
			continue
		}
		isolated = true
		for i, rule := range cp.obj.Spec.Egress {
			where := fmt.Sprintf("%s egress[%d]", cp.name(), i)
			rules = append(rules, r.egressMatches(where, cp.obj.Namespace, rule)...)
		}
	}
	return rules, isolated
}

func script(table string, nodeIPs []netip.Addr, egress, ingress []podChain) string {
	var b strings.Builder
	fmt.Fprintf(&b, "add table inet %s\ndelete table inet %s\n", table, table)
	fmt.Fprintf(&b, "table inet %s {\n", table)
	b.WriteString("\tcomment \"NetworkPolicy of the appspark test node (appspark-netpol)\"\n")
	b.WriteString("\n\tchain forward {\n")
	b.WriteString("\t\ttype filter hook forward priority filter; policy accept;\n")
	b.WriteString("\t\tct state established,related accept\n")
	if node := addrSpans(nodeIPs); len(node) > 0 {
		b.WriteString("\t\tip saddr " + setExpr(node, addrElem) + " accept\n")
	}
	if len(egress) > 0 {
		b.WriteString("\t\tip saddr vmap " + jumpMap(egress) + "\n")
	}
	if len(ingress) > 0 {
		b.WriteString("\t\tip daddr vmap " + jumpMap(ingress) + "\n")
	}
	b.WriteString("\t}\n")
	writeChains(&b, egress, "ip daddr")
	writeChains(&b, ingress, "ip saddr")
	b.WriteString("}\n")
	return b.String()
}

// writeChains: peer is the address the rules look at (the destination for egress).
func writeChains(b *strings.Builder, chains []podChain, peer string) {
	for _, c := range chains {
		fmt.Fprintf(b, "\n\tchain %s {\n", c.name)
		fmt.Fprintf(b, "\t\tcomment %s\n", quote(c.pod.key()))
		for _, m := range c.rules {
			b.WriteString("\t\t" + m.nft(peer) + "\n")
		}
		b.WriteString("\t\tcounter drop\n\t}\n")
	}
}

func jumpMap(chains []podChain) string {
	parts := make([]string, len(chains))
	for i, c := range chains {
		parts[i] = c.pod.ip.String() + " : jump " + c.name
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

func addrSpans(addrs []netip.Addr) []span {
	var out []span
	for _, a := range addrs {
		if a.Is4() {
			v := addrValue(a)
			out = append(out, span{v, v})
		}
	}
	return mergeSpans(out)
}

func dashed(a netip.Addr) string { return strings.ReplaceAll(a.String(), ".", "-") }

// quote makes an nft string literal. Names of Kubernetes objects hold no quotes, but a comment
// must never break the script; nft limits comments to 128 bytes.
func quote(s string) string {
	s = strings.Map(func(c rune) rune {
		if c == '"' || c == '\\' || c < ' ' || c > '~' {
			return '_'
		}
		return c
	}, s)
	if len(s) > 127 {
		s = s[:127]
	}
	return `"` + s + `"`
}
