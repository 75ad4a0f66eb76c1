// Command appspark-netpol enforces Kubernetes NetworkPolicy (networking.k8s.io/v1, IPv4 pods)
// on the one node of appspark's test bed with an nftables table of its own (family inet),
// rebuilt whole and applied atomically (`nft -f -`) on every change of Pods, Namespaces or
// NetworkPolicies, and deleted when it stops. What the rules do is described in package
// ruleset; this file and the others of package main are its effects: the API watch, nft, the
// health endpoint.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// config is the command line, checked once.
type config struct {
	kubeconfig string
	table      string
	nodeIPs    []netip.Addr
	healthz    string
	nft        string
	verbosity  int
}

var tableName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

func parseConfig(args []string) (config, error) {
	var c config
	var nodeIPs string
	fs := flag.NewFlagSet("appspark-netpol", flag.ContinueOnError)
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (required)")
	fs.StringVar(&c.table, "table", "appspark-netpol", "the nftables table (family inet) this program owns")
	fs.StringVar(&nodeIPs, "node-ips", "", "comma-separated addresses of the node: traffic from them is never filtered")
	fs.StringVar(&c.healthz, "healthz-addr", "", "HOST:PORT for /healthz: ok once the first sync is applied and while the last apply succeeded")
	fs.StringVar(&c.nft, "nft", "nft", "the nft command")
	fs.IntVar(&c.verbosity, "v", 0, "log verbosity: 0 start, stop and errors; 1 every applied sync; 2 the scripts too")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.kubeconfig == "":
		return c, errors.New("--kubeconfig is required")
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case !tableName.MatchString(c.table):
		return c, fmt.Errorf("--table: bad table name %q", c.table)
	}
	for _, s := range strings.Split(nodeIPs, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return c, fmt.Errorf("--node-ips: %v", err)
		}
		c.nodeIPs = append(c.nodeIPs, a)
	}
	nftPath, err := exec.LookPath(c.nft)
	if err != nil {
		return c, fmt.Errorf("--nft: %v", err)
	}
	c.nft = nftPath
	return c, nil
}

var verbosity int

func logf(level int, format string, args ...any) {
	if level <= verbosity {
		fmt.Fprintf(os.Stderr, "%s appspark-netpol: %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
	}
}

func main() {
	c, err := parseConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "appspark-netpol: %v\nusage: appspark-netpol --kubeconfig FILE [--node-ips A,B] [--table NAME] [--healthz-addr HOST:PORT] [--v N]\n", err)
		os.Exit(2)
	}
	verbosity = c.verbosity
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, c); err != nil {
		logf(0, "%v", err)
		os.Exit(1)
	}
}
