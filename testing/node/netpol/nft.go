package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"time"
)

// nft applies scripts to the kernel with the nft command; each script is one transaction.
type nft struct{ path, table string }

func (n *nft) apply(script string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.path, "-f", "-")
	cmd.Stdin = bytes.NewBufferString(script)
	out, err := cmd.CombinedOutput()
	if err != nil && len(out) > 0 {
		return fmt.Errorf("nft -f -: %v: %s", err, bytes.TrimSpace(out))
	}
	return err
}

// remove deletes the table; adding it first makes that succeed when there is none.
func (n *nft) remove() error {
	return n.apply(fmt.Sprintf("add table inet %s\ndelete table inet %s\n", n.table, n.table))
}
