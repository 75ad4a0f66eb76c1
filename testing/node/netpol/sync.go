package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	"appspark.test/netpol/ruleset"
)

// debounce gathers a burst of changes (a Deployment's pods, a namespace's deletion) into one
// apply.
const debounce = 100 * time.Millisecond

// run watches the API until ctx ends, keeps the table in line with it, then deletes the table.
func run(ctx context.Context, c config) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "appspark-netpol"
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client: %v", err)
	}
	st := &status{}
	if c.healthz != "" {
		closeHealthz, err := serveHealthz(c.healthz, st)
		if err != nil {
			return err
		}
		defer closeHealthz()
	}

	factory := informers.NewSharedInformerFactory(client, 0)
	pods := factory.Core().V1().Pods().Lister()
	namespaces := factory.Core().V1().Namespaces().Lister()
	policies := factory.Networking().V1().NetworkPolicies().Lister()
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}
	for _, inf := range []cache.SharedIndexInformer{
		factory.Core().V1().Pods().Informer(),
		factory.Core().V1().Namespaces().Informer(),
		factory.Networking().V1().NetworkPolicies().Informer(),
	} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			return fmt.Errorf("informer: %v", err)
		}
	}
	factory.Start(ctx.Done())
	logf(0, "watching %s; table inet %s", cfg.Host, c.table)
	factory.WaitForCacheSync(ctx.Done())

	applier := &nft{path: c.nft, table: c.table}
	input := func() ruleset.Input {
		in := ruleset.Input{Table: c.table, NodeIPs: c.nodeIPs}
		in.Pods, _ = pods.List(labels.Everything())
		in.Namespaces, _ = namespaces.List(labels.Everything())
		in.Policies, _ = policies.List(labels.Everything())
		return in
	}
	if ctx.Err() == nil {
		loop(ctx, changed, input, applier, st)
	}
	logf(0, "stopping: deleting table inet %s", c.table)
	if err := applier.remove(); err != nil {
		return fmt.Errorf("could not delete table inet %s: %v", c.table, err)
	}
	return nil
}

// loop applies the rendered script once at start (the caches hold every object by then), then
// after each burst of changes, and retries a failed apply with a growing delay.
func loop(ctx context.Context, changed <-chan struct{}, input func() ruleset.Input, applier *nft, st *status) {
	last := ""
	backoff := time.Second
	var debounced, retry <-chan time.Time
	resync := func() {
		rs := ruleset.Render(input())
		for _, w := range rs.Warnings {
			logf(1, "warning: %s", w)
		}
		if rs.Script == last {
			st.set(nil)
			return
		}
		logf(2, "script:\n%s", rs.Script)
		start := time.Now()
		if err := applier.apply(rs.Script); err != nil {
			logf(0, "apply failed (retry in %v): %v", backoff, err)
			st.set(err)
			retry = time.After(backoff)
			backoff = min(2*backoff, 10*time.Second)
			return
		}
		level := 1
		if last == "" {
			level = 0
		}
		last, retry, backoff = rs.Script, nil, time.Second
		st.set(nil)
		logf(level, "applied in %v: %d pods, %d policies, %d pods isolated for ingress, %d for egress",
			time.Since(start).Round(time.Millisecond), rs.Pods, rs.Policies, rs.IngressIsolated, rs.EgressIsolated)
	}
	// The events of the initial listing are all in the first sync.
	select {
	case <-changed:
	default:
	}
	resync()
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			if debounced == nil {
				debounced = time.After(debounce)
			}
		case <-debounced:
			debounced = nil
			resync()
		case <-retry:
			retry = nil
			resync()
		}
	}
}

// status backs /healthz.
type status struct {
	mu      sync.Mutex
	applied bool
	err     error
}

func (s *status) set(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
	if err == nil {
		s.applied = true
	}
}

func (s *status) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	applied, err := s.applied, s.err
	s.mu.Unlock()
	switch {
	case err != nil:
		http.Error(w, "last apply failed: "+err.Error(), http.StatusInternalServerError)
	case !applied:
		http.Error(w, "not synced yet", http.StatusServiceUnavailable)
	default:
		_, _ = w.Write([]byte("ok\n"))
	}
}

func serveHealthz(addr string, st *status) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("healthz: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/healthz", st)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}
