package ruleset

import (
	"fmt"
	"net/netip"
	"sort"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// netPod is a pod that takes part in policy: it has an IPv4 address of its own.
type netPod struct {
	ns, name string
	ip       netip.Addr
	labels   labels.Set
	obj      *corev1.Pod
}

func (p *netPod) key() string { return p.ns + "/" + p.name }

type renderer struct {
	pods     []*netPod // sorted by address
	byNS     map[string][]*netPod
	nsLabels map[string]labels.Set
	warnings []string
}

func newRenderer(pods []*corev1.Pod, namespaces []*corev1.Namespace) *renderer {
	r := &renderer{byNS: map[string][]*netPod{}, nsLabels: map[string]labels.Set{}}
	for _, ns := range namespaces {
		r.nsLabels[ns.Name] = labels.Set(ns.Labels)
	}
	r.collectPods(pods)
	return r
}

func (r *renderer) warnf(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// collectPods keeps pods with an IPv4 address that are not on the host network (those share the
// node's address) and have not ended (their address may already be someone else's). Two live
// pods cannot hold one address; the first by namespace/name is kept and the other reported.
func (r *renderer) collectPods(pods []*corev1.Pod) {
	sorted := append([]*corev1.Pod(nil), pods...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Namespace != sorted[j].Namespace {
			return sorted[i].Namespace < sorted[j].Namespace
		}
		return sorted[i].Name < sorted[j].Name
	})
	seen := map[netip.Addr]*netPod{}
	for _, p := range sorted {
		if p.Spec.HostNetwork || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		ip, ok := podIPv4(p)
		if !ok {
			continue
		}
		np := &netPod{ns: p.Namespace, name: p.Name, ip: ip, labels: labels.Set(p.Labels), obj: p}
		if other := seen[ip]; other != nil {
			r.warnf("pod %s has the address %s of pod %s; ignored", np.key(), ip, other.key())
			continue
		}
		seen[ip] = np
		r.pods = append(r.pods, np)
		r.byNS[np.ns] = append(r.byNS[np.ns], np)
	}
	sort.Slice(r.pods, func(i, j int) bool { return r.pods[i].ip.Less(r.pods[j].ip) })
}

func podIPv4(p *corev1.Pod) (netip.Addr, bool) {
	candidates := []string{p.Status.PodIP}
	for _, pip := range p.Status.PodIPs {
		candidates = append(candidates, pip.IP)
	}
	for _, s := range candidates {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return a, true
		}
	}
	return netip.Addr{}, false
}

type compiledPolicy struct {
	obj             *networkingv1.NetworkPolicy
	ingress, egress bool // its policy types
	selected        map[*netPod]bool
}

func (cp *compiledPolicy) name() string { return cp.obj.Namespace + "/" + cp.obj.Name }

// compile resolves a policy's types and the pods of its namespace it selects. Without
// policyTypes (the API server defaults them) a policy is for ingress, and for egress when it
// has egress rules.
func (r *renderer) compile(p *networkingv1.NetworkPolicy) *compiledPolicy {
	cp := &compiledPolicy{obj: p, selected: map[*netPod]bool{}}
	if len(p.Spec.PolicyTypes) == 0 {
		cp.ingress, cp.egress = true, len(p.Spec.Egress) > 0
	}
	for _, t := range p.Spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			cp.ingress = true
		case networkingv1.PolicyTypeEgress:
			cp.egress = true
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
	if err != nil {
		r.warnf("policy %s: podSelector: %v; it selects no pod", cp.name(), err)
		return cp
	}
	for _, np := range r.byNS[p.Namespace] {
		if sel.Matches(np.labels) {
			cp.selected[np] = true
		}
	}
	return cp
}

// peerSpans: the addresses a rule's peers stand for; any=true when the list is empty (every
// source or destination).
func (r *renderer) peerSpans(where, policyNS string, peers []networkingv1.NetworkPolicyPeer) (spans []span, any bool) {
	if len(peers) == 0 {
		return nil, true
	}
	for j, peer := range peers {
		what := fmt.Sprintf("%s peer %d", where, j)
		switch {
		case peer.IPBlock != nil:
			spans = append(spans, r.ipBlockSpans(what, peer.IPBlock)...)
		case peer.PodSelector == nil && peer.NamespaceSelector == nil:
			r.warnf("%s: empty peer; it matches nothing", what)
		default:
			for _, np := range r.selectPeers(what, policyNS, peer) {
				v := addrValue(np.ip)
				spans = append(spans, span{v, v})
			}
		}
	}
	return mergeSpans(spans), false
}

// selectPeers: a podSelector alone means pods of the policy's namespace; a namespaceSelector
// alone, every pod of the namespaces it selects; both, the pods matching the podSelector in
// those namespaces.
func (r *renderer) selectPeers(what, policyNS string, peer networkingv1.NetworkPolicyPeer) []*netPod {
	podSel := labels.Everything()
	if peer.PodSelector != nil {
		s, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
		if err != nil {
			r.warnf("%s: podSelector: %v; it matches nothing", what, err)
			return nil
		}
		podSel = s
	}
	namespaces := []string{policyNS}
	if peer.NamespaceSelector != nil {
		nsSel, err := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
		if err != nil {
			r.warnf("%s: namespaceSelector: %v; it matches nothing", what, err)
			return nil
		}
		namespaces = nil
		for ns, l := range r.nsLabels {
			if nsSel.Matches(l) {
				namespaces = append(namespaces, ns)
			}
		}
	}
	var out []*netPod
	for _, ns := range namespaces {
		for _, np := range r.byNS[ns] {
			if podSel.Matches(np.labels) {
				out = append(out, np)
			}
		}
	}
	return out
}

// ipBlockSpans: the CIDR minus its exceptions, IPv4 only (an IPv6 block cannot match IPv4
// traffic). Pods' own addresses inside the block match it as well.
func (r *renderer) ipBlockSpans(what string, b *networkingv1.IPBlock) []span {
	pfx, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		r.warnf("%s: bad ipBlock cidr %q: %v; it matches nothing", what, b.CIDR, err)
		return nil
	}
	if !pfx.Addr().Is4() {
		return nil
	}
	spans := []span{prefixSpan(pfx.Masked())}
	for _, e := range b.Except {
		ep, err := netip.ParsePrefix(e)
		if err != nil {
			r.warnf("%s: bad ipBlock except %q: %v; ignored", what, e, err)
			continue
		}
		if ep.Addr().Is4() {
			spans = subtract(spans, prefixSpan(ep.Masked()))
		}
	}
	return spans
}
