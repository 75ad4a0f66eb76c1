package ruleset

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const nodeIP = "10.250.0.1"

// The node of every case: two namespaces, a server with named ports, clients with and without
// labels, and pods that must not take part (host network, no address yet, ended).
var (
	namespaces = []*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "shop", Labels: map[string]string{"team": "shop"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "other", Labels: map[string]string{"team": "other"}}},
	}
	pods = []*corev1.Pod{
		pod("shop", "server", "10.250.0.10", "app=server", "http:tcp/8080", "metrics:tcp/9090", "dns:udp/5353"),
		pod("shop", "client", "10.250.0.11", "role=client"),
		pod("shop", "stranger", "10.250.0.12", ""),
		pod("other", "client", "10.250.0.20", "role=client"),
		pod("other", "server", "10.250.0.21", "app=server", "http:tcp/80"),
		hostNetwork(pod("shop", "hostnet", nodeIP, "app=server,role=client")),
		pod("shop", "pending", "", "role=client"),
		ended(pod("shop", "done", "10.250.0.30", "role=client")),
		pod("shop", "newcomer", "10.250.0.30", ""), // got the ended pod's address
	}
)

func TestRender(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := render(t, c.policies)
			for _, p := range c.probes {
				got := accepted(t, rs.Script, p.packet(t))
				if got != p.allowed {
					t.Errorf("%s: accepted=%v, want %v; script:\n%s", p, got, p.allowed, rs.Script)
				}
			}
		})
	}
}

var cases = []struct {
	name     string
	policies []string // YAML
	probes   []probe
}{
	{
		name: "without a policy every pod reaches every other",
		probes: []probe{
			allow("shop/stranger", "shop/server", "tcp/8080"),
			allow("other/client", "shop/server", "udp/53"),
			allow("shop/server", "8.8.8.8", "tcp/443"),
		},
	},
	{
		name:     "default deny of ingress drops new connections, but not replies, egress or the node's traffic",
		policies: []string{`{metadata: {name: deny, namespace: shop}, spec: {podSelector: {}, policyTypes: [Ingress]}}`},
		probes: []probe{
			deny("shop/stranger", "shop/server", "tcp/8080"),
			deny("other/client", "shop/client", "tcp/8080"),
			reply("shop/stranger", "shop/server", "tcp/8080"),
			allow("node", "shop/server", "tcp/8080"),
			allow("shop/server", "other/server", "tcp/80"),
			allow("other/client", "other/server", "tcp/80"),
		},
	},
	{
		name: "podSelector admits the labelled pods of the policy's namespace",
		policies: []string{`
metadata: {name: clients, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			deny("shop/stranger", "shop/server", "tcp/8080"),
			deny("other/client", "shop/server", "tcp/8080"),
			allow("shop/server", "shop/client", "tcp/8080"),
			allow("shop/stranger", "shop/client", "tcp/8080"),
		},
	},
	{
		name: "namespaceSelector admits every pod of the namespaces it selects",
		policies: []string{`
metadata: {name: from-other, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: other}}}]}]`},
		probes: []probe{
			allow("other/client", "shop/server", "tcp/8080"),
			allow("other/server", "shop/server", "tcp/8080"),
			deny("shop/client", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "namespaceSelector and podSelector in one peer: the labelled pods of those namespaces",
		policies: []string{`
metadata: {name: other-clients, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [other]}]}, podSelector: {matchLabels: {role: client}}}]`},
		probes: []probe{
			allow("other/client", "shop/server", "tcp/8080"),
			deny("other/server", "shop/server", "tcp/8080"),
			deny("shop/client", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "peers of one rule add up",
		policies: []string{`
metadata: {name: either, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}, {namespaceSelector: {matchLabels: {team: other}}}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			allow("other/server", "shop/server", "tcp/8080"),
			deny("shop/stranger", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "a numeric port admits that port and protocol only",
		policies: []string{`
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{ports: [{port: 8080}]}]`},
		probes: []probe{
			allow("shop/stranger", "shop/server", "tcp/8080"),
			allow("other/server", "shop/server", "tcp/8080"),
			deny("shop/stranger", "shop/server", "tcp/9090"),
			deny("shop/stranger", "shop/server", "udp/8080"),
		},
	},
	{
		name: "named ports resolve against the destination pod's container ports, per protocol",
		policies: []string{`
metadata: {name: named, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}, {port: metrics, protocol: UDP}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			allow("shop/client", "shop/server", "udp/5353"),
			deny("shop/client", "shop/server", "tcp/5353"),
			deny("shop/client", "shop/server", "tcp/9090"),
			deny("shop/client", "shop/server", "udp/9090"),
		},
	},
	{
		name: "endPort admits a range",
		policies: []string{`
metadata: {name: range, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{ports: [{port: 9000, endPort: 9100, protocol: TCP}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/9000"),
			allow("shop/client", "shop/server", "tcp/9090"),
			allow("shop/client", "shop/server", "tcp/9100"),
			deny("shop/client", "shop/server", "tcp/9101"),
			deny("shop/client", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "a protocol without a port admits all its ports",
		policies: []string{`
metadata: {name: udp, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {}}], ports: [{protocol: UDP}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "udp/1234"),
			deny("shop/client", "shop/server", "tcp/8080"),
			deny("other/client", "shop/server", "udp/1234"),
		},
	},
	{
		name: "ipBlock with except, for ingress",
		policies: []string{`
metadata: {name: block, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{ipBlock: {cidr: 10.250.0.0/24, except: [10.250.0.12/32, 10.250.0.20/30]}}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			deny("shop/stranger", "shop/server", "tcp/8080"),
			deny("other/client", "shop/server", "tcp/8080"),
			deny("other/server", "shop/server", "tcp/8080"),
		},
	},
	{
		name:     "default deny of egress",
		policies: []string{`{metadata: {name: deny-out, namespace: shop}, spec: {podSelector: {matchLabels: {role: client}}, policyTypes: [Egress]}}`},
		probes: []probe{
			deny("shop/client", "shop/server", "tcp/8080"),
			deny("shop/client", "192.168.5.5", "tcp/443"),
			reply("shop/client", "shop/server", "tcp/8080"),
			allow("shop/stranger", "shop/server", "tcp/8080"),
			allow("shop/server", "shop/client", "tcp/8080"),
			allow("other/client", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "egress to selected pods on a port, also across namespaces",
		policies: []string{`
metadata: {name: to-servers, namespace: shop}
spec:
  podSelector: {matchLabels: {role: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: server}}}, {namespaceSelector: {matchLabels: {team: other}}, podSelector: {matchLabels: {app: server}}}]
    ports: [{port: 8080}, {port: 80}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			deny("shop/client", "shop/server", "tcp/9090"),
			allow("shop/client", "other/server", "tcp/80"),
			deny("shop/client", "other/client", "tcp/80"),
			deny("shop/client", "shop/stranger", "tcp/8080"),
		},
	},
	{
		name: "egress to an ipBlock with except",
		policies: []string{`
metadata: {name: out, namespace: shop}
spec:
  podSelector: {matchLabels: {role: client}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 192.168.5.0/24, except: [192.168.5.128/25]}}]}]`},
		probes: []probe{
			allow("shop/client", "192.168.5.5", "tcp/443"),
			allow("shop/client", "192.168.5.127", "udp/53"),
			deny("shop/client", "192.168.5.200", "tcp/443"),
			deny("shop/client", "8.8.8.8", "tcp/443"),
			deny("shop/client", "shop/server", "tcp/8080"),
		},
	},
	{
		name: "egress to a named port resolves it against each destination pod",
		policies: []string{`
metadata: {name: http-out, namespace: shop}
spec:
  podSelector: {matchLabels: {role: client}}
  policyTypes: [Egress]
  egress: [{ports: [{port: http}]}]`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			allow("shop/client", "other/server", "tcp/80"),
			deny("shop/client", "other/server", "tcp/8080"),
			deny("shop/client", "shop/server", "tcp/80"),
			deny("shop/client", "8.8.8.8", "tcp/80"),
		},
	},
	{
		name:     "policyTypes [Egress] leaves ingress open, whatever ingress rules it lists",
		policies: []string{`{metadata: {name: e, namespace: shop}, spec: {podSelector: {matchLabels: {app: server}}, policyTypes: [Egress], ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]}}`},
		probes: []probe{
			allow("shop/stranger", "shop/server", "tcp/8080"),
			deny("shop/server", "shop/stranger", "tcp/8080"),
		},
	},
	{
		name: "without policyTypes a policy with egress rules isolates both ways",
		policies: []string{`
metadata: {name: both, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  egress: [{to: [{podSelector: {matchLabels: {role: client}}}]}]`},
		probes: []probe{
			deny("shop/client", "shop/server", "tcp/8080"),
			allow("shop/server", "shop/client", "tcp/8080"),
			deny("shop/server", "shop/stranger", "tcp/8080"),
		},
	},
	{
		name: "policies selecting one pod add up",
		policies: []string{
			`{metadata: {name: a, namespace: shop}, spec: {podSelector: {matchLabels: {app: server}}, ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: 8080}]}]}}`,
			`{metadata: {name: b, namespace: shop}, spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: other}}}], ports: [{port: 9090}]}]}}`,
		},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			deny("shop/client", "shop/server", "tcp/9090"),
			allow("other/server", "shop/server", "tcp/9090"),
			deny("other/server", "shop/server", "tcp/8080"),
			allow("other/server", "shop/client", "tcp/9090"),
			deny("shop/server", "shop/client", "tcp/9090"),
		},
	},
	{
		name:     "a policy in one namespace selects no pod of another",
		policies: []string{`{metadata: {name: deny, namespace: other}, spec: {podSelector: {matchLabels: {app: server}}}}`},
		probes: []probe{
			allow("shop/client", "shop/server", "tcp/8080"),
			deny("shop/client", "other/server", "tcp/80"),
		},
	},
	{
		name: "an ended pod's labels do not follow its address to the next pod",
		policies: []string{`
metadata: {name: clients, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]`},
		probes: []probe{
			deny("shop/newcomer", "shop/server", "tcp/8080"),
			allow("shop/client", "shop/server", "tcp/8080"),
		},
	},
}

func TestPodsThatTakeNoPart(t *testing.T) {
	rs := render(t, []string{`{metadata: {name: deny, namespace: shop}, spec: {podSelector: {}, policyTypes: [Ingress, Egress]}}`})
	if rs.Pods != 6 {
		t.Errorf("pods taken into account: %d, want 6 (not the host-network, the pending and the ended pod)", rs.Pods)
	}
	if rs.IngressIsolated != 4 || rs.EgressIsolated != 4 {
		t.Errorf("isolated: ingress %d, egress %d; want 4 and 4 (the pods of shop with an address)", rs.IngressIsolated, rs.EgressIsolated)
	}
	if strings.Contains(rs.Script, "jump ingress-10-250-0-1\n") || strings.Contains(rs.Script, "chain ingress-10-250-0-1 ") {
		t.Errorf("the host-network pod (the node's address) got a chain:\n%s", rs.Script)
	}
	if !accepted(t, rs.Script, packet{src: netip.MustParseAddr(nodeIP), dst: netip.MustParseAddr("10.250.0.10"), proto: "tcp", port: 8080}) {
		t.Errorf("the node's own traffic is filtered:\n%s", rs.Script)
	}
}

func TestScriptReplacesTheWholeTableAtOnce(t *testing.T) {
	rs := render(t, nil)
	want := "add table inet appspark-netpol-test\ndelete table inet appspark-netpol-test\ntable inet appspark-netpol-test {\n"
	if !strings.HasPrefix(rs.Script, want) {
		t.Errorf("script does not start with %q:\n%s", want, rs.Script)
	}
	if !strings.Contains(rs.Script, "type filter hook forward priority filter; policy accept;") {
		t.Errorf("no forward chain at filter priority (after kube-proxy's DNAT):\n%s", rs.Script)
	}
}

func TestBadPoliciesMatchNothingAndSaySo(t *testing.T) {
	rs := render(t, []string{`
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{ipBlock: {cidr: not-a-cidr}}]}, {ports: [{port: 8080, protocol: ICMP}]}]`})
	if len(rs.Warnings) != 2 {
		t.Errorf("warnings: %q, want one for the cidr and one for the protocol", rs.Warnings)
	}
	p := probe{from: "shop/client", to: "shop/server", port: "tcp/8080"}
	if accepted(t, rs.Script, p.packet(t)) {
		t.Errorf("%s accepted by a policy whose rules are both invalid:\n%s", p, rs.Script)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	policies := cases[len(cases)-3].policies
	first := render(t, policies).Script
	for range 20 {
		if again := render(t, policies).Script; again != first {
			t.Fatalf("two renders of one input differ:\n%s\n---\n%s", first, again)
		}
	}
}

// TestKernelAcceptsEveryScript hands every case's script to `nft --check` (which asks the
// kernel and changes nothing): needs root and nft, skipped otherwise.
func TestKernelAcceptsEveryScript(t *testing.T) {
	nft, err := exec.LookPath("nft")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and nft")
	}
	for _, c := range cases {
		rs := render(t, c.policies)
		cmd := exec.Command(nft, "--check", "-f", "-")
		cmd.Stdin = strings.NewReader(rs.Script)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: nft --check: %v\n%s\nscript:\n%s", c.name, err, out.String(), rs.Script)
		}
	}
}

// ---- helpers ---------------------------------------------------------------------------------

func render(t *testing.T, policyYAML []string) Ruleset {
	t.Helper()
	var policies []*networkingv1.NetworkPolicy
	for _, y := range policyYAML {
		p := &networkingv1.NetworkPolicy{}
		if err := yaml.UnmarshalStrict([]byte(y), p); err != nil {
			t.Fatalf("policy %s: %v", y, err)
		}
		policies = append(policies, p)
	}
	return Render(Input{
		Table:      "appspark-netpol-test",
		NodeIPs:    []netip.Addr{netip.MustParseAddr(nodeIP)},
		Pods:       pods,
		Namespaces: namespaces,
		Policies:   policies,
	})
}

// pod NS NAME IP "k=v,..." "name:proto/port"...: a running pod ("" IP: none yet).
func pod(ns, name, ip, podLabels string, ports ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{}}}
	for _, kv := range strings.Split(podLabels, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			p.Labels[k] = v
		}
	}
	c := corev1.Container{Name: "main"}
	for _, spec := range ports {
		portName, rest, _ := strings.Cut(spec, ":")
		proto, num, _ := strings.Cut(rest, "/")
		n, _ := strconv.Atoi(num)
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: portName, Protocol: corev1.Protocol(strings.ToUpper(proto)), ContainerPort: int32(n)})
	}
	p.Spec.Containers = []corev1.Container{c}
	p.Status.Phase = corev1.PodRunning
	if ip != "" {
		p.Status.PodIP = ip
		p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	}
	return p
}

func hostNetwork(p *corev1.Pod) *corev1.Pod { p.Spec.HostNetwork = true; return p }
func ended(p *corev1.Pod) *corev1.Pod       { p.Status.Phase = corev1.PodSucceeded; return p }

// probe is one expectation: a packet from a pod ("ns/name"), "node" or an address, to another,
// on "proto/port".
type probe struct {
	from, to, port string
	established    bool
	allowed        bool
}

func allow(from, to, port string) probe { return probe{from: from, to: to, port: port, allowed: true} }
func deny(from, to, port string) probe  { return probe{from: from, to: to, port: port} }

// reply: a packet of a connection already established (from -> to), which always passes.
func reply(from, to, port string) probe {
	return probe{from: from, to: to, port: port, established: true, allowed: true}
}

func (p probe) String() string {
	kind := "new"
	if p.established {
		kind = "established"
	}
	return kind + " " + p.from + " -> " + p.to + " " + p.port
}

func (p probe) packet(t *testing.T) packet {
	t.Helper()
	proto, num, _ := strings.Cut(p.port, "/")
	n, err := strconv.ParseUint(num, 10, 16)
	if err != nil {
		t.Fatalf("bad port in probe %s", p)
	}
	return packet{src: address(t, p.from), dst: address(t, p.to), proto: proto, port: uint32(n), established: p.established}
}

func address(t *testing.T, who string) netip.Addr {
	t.Helper()
	if who == "node" {
		return netip.MustParseAddr(nodeIP)
	}
	if a, err := netip.ParseAddr(who); err == nil {
		return a
	}
	ns, name, _ := strings.Cut(who, "/")
	for _, p := range pods {
		if p.Namespace == ns && p.Name == name && p.Status.PodIP != "" {
			return netip.MustParseAddr(p.Status.PodIP)
		}
	}
	t.Fatalf("no pod %s with an address", who)
	return netip.Addr{}
}
