package ruleset

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// match is one nft rule of a pod's chain: the peer's addresses (every address when anyPeer),
// and a protocol with its destination ports ("" for every protocol, no ports for all of them).
type match struct {
	comment string
	anyPeer bool
	peers   []span
	proto   string
	ports   []span
}

// nft prints the rule; peer is "ip saddr" (ingress) or "ip daddr" (egress).
func (m match) nft(peer string) string {
	var parts []string
	if !m.anyPeer {
		parts = append(parts, peer+" "+setExpr(m.peers, addrElem))
	}
	if m.proto != "" {
		parts = append(parts, "meta l4proto "+m.proto)
		if len(m.ports) > 0 {
			parts = append(parts, "th dport "+setExpr(m.ports, portElem))
		}
	}
	parts = append(parts, "return", "comment", quote(m.comment))
	return strings.Join(parts, " ")
}

// portMatch is one entry of a rule's ports once resolved: a protocol and either all its ports
// or a range.
type portMatch struct {
	proto string // nft's name: tcp, udp, sctp
	all   bool
	ports span
}

var protocols = []string{"tcp", "udp", "sctp"}

func nftProto(p *corev1.Protocol) (string, bool) {
	if p == nil {
		return "tcp", true
	}
	switch *p {
	case corev1.ProtocolTCP, "":
		return "tcp", true
	case corev1.ProtocolUDP:
		return "udp", true
	case corev1.ProtocolSCTP:
		return "sctp", true
	}
	return "", false
}

// ingressMatches: the rules (in the chain of destination pod p) for one ingress rule of a
// policy in namespace ns. Named ports resolve against p itself.
func (r *renderer) ingressMatches(where, ns string, p *netPod, rule networkingv1.NetworkPolicyIngressRule) []match {
	peers, any := r.peerSpans(where, ns, rule.From)
	if !any && len(peers) == 0 {
		return nil
	}
	if len(rule.Ports) == 0 {
		return []match{{comment: where, anyPeer: any, peers: peers}}
	}
	var resolved []portMatch
	for j, pp := range rule.Ports {
		m, name, ok := r.portEntry(fmt.Sprintf("%s port %d", where, j), pp)
		switch {
		case !ok:
		case name != "":
			for _, n := range namedPorts(p.obj, name, m.proto) {
				resolved = append(resolved, portMatch{proto: m.proto, ports: span{n, n}})
			}
		default:
			resolved = append(resolved, m)
		}
	}
	return byProtocol(match{comment: where, anyPeer: any, peers: peers}, resolved)
}

// egressMatches: the rules (in the chain of the source pod) for one egress rule of a policy in
// namespace ns. A named port resolves against each destination pod, so it yields a rule per
// (protocol, port number) that lists the pods which have it.
func (r *renderer) egressMatches(where, ns string, rule networkingv1.NetworkPolicyEgressRule) []match {
	peers, any := r.peerSpans(where, ns, rule.To)
	if !any && len(peers) == 0 {
		return nil
	}
	if len(rule.Ports) == 0 {
		return []match{{comment: where, anyPeer: any, peers: peers}}
	}
	var static []portMatch
	type protoPort struct {
		proto string
		port  uint32
	}
	named := map[protoPort][]span{}
	for j, pp := range rule.Ports {
		m, name, ok := r.portEntry(fmt.Sprintf("%s port %d", where, j), pp)
		switch {
		case !ok:
		case name != "":
			for _, dst := range r.pods {
				if !any && !containsAddr(peers, dst.ip) {
					continue
				}
				v := addrValue(dst.ip)
				for _, n := range namedPorts(dst.obj, name, m.proto) {
					k := protoPort{m.proto, n}
					named[k] = append(named[k], span{v, v})
				}
			}
		default:
			static = append(static, m)
		}
	}
	out := byProtocol(match{comment: where, anyPeer: any, peers: peers}, static)
	keys := make([]protoPort, 0, len(named))
	for k := range named {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].proto != keys[b].proto {
			return keys[a].proto < keys[b].proto
		}
		return keys[a].port < keys[b].port
	})
	for _, k := range keys {
		out = append(out, match{comment: where, peers: mergeSpans(named[k]), proto: k.proto, ports: []span{{k.port, k.port}}})
	}
	return out
}

// portEntry resolves a port entry that does not depend on a pod; a named port comes back as
// its name, to be resolved against the pods it applies to.
func (r *renderer) portEntry(what string, pp networkingv1.NetworkPolicyPort) (m portMatch, name string, ok bool) {
	proto, ok := nftProto(pp.Protocol)
	if !ok {
		r.warnf("%s: unknown protocol %q; the entry matches nothing", what, *pp.Protocol)
		return m, "", false
	}
	m.proto = proto
	switch {
	case pp.Port == nil:
		m.all = true
		return m, "", true
	case pp.Port.Type == intstr.String:
		return m, pp.Port.StrVal, true
	}
	lo, hi := pp.Port.IntVal, pp.Port.IntVal
	if pp.EndPort != nil {
		hi = *pp.EndPort
	}
	if lo < 1 || hi < lo || hi > 65535 {
		r.warnf("%s: bad port range %d-%d; the entry matches nothing", what, lo, hi)
		return m, "", false
	}
	m.ports = span{uint32(lo), uint32(hi)}
	return m, "", true
}

// namedPorts resolves a port name against a pod's container ports of the same protocol
// (init containers too: sidecars declare ports there).
func namedPorts(p *corev1.Pod, name, proto string) []uint32 {
	var out []uint32
	for _, cs := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for _, c := range cs {
			for _, cp := range c.Ports {
				cpProto, _ := nftProto(&cp.Protocol)
				if cp.Name == name && cpProto == proto && cp.ContainerPort > 0 {
					out = append(out, uint32(cp.ContainerPort))
				}
			}
		}
	}
	return out
}

// byProtocol: one rule per protocol that the resolved ports name, each with base's peers.
func byProtocol(base match, ms []portMatch) []match {
	all := map[string]bool{}
	ranges := map[string][]span{}
	for _, m := range ms {
		if m.all {
			all[m.proto] = true
		} else {
			ranges[m.proto] = append(ranges[m.proto], m.ports)
		}
	}
	var out []match
	for _, proto := range protocols {
		if !all[proto] && len(ranges[proto]) == 0 {
			continue
		}
		m := base
		m.proto = proto
		if !all[proto] {
			m.ports = mergeSpans(ranges[proto])
		}
		out = append(out, m)
	}
	return out
}
