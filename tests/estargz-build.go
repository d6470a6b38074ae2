// estargz-build: a layer tar (plain, gzip or zstd) as an eStargz blob, by
// the stargz-snapshotter project's own estargz library (Debian's
// golang-github-containerd-stargz-snapshotter-dev), for tests/lazy-estargz.sh.
//
// usage: estargz-build IN OUT
// prints "TOC-DIGEST DIFF-ID UNCOMPRESSED-SIZE": the annotations
// containerd.io/snapshot/stargz/toc.digest and
// io.containers.estargz.uncompressed-size, and the config's diff_id.
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/containerd/stargz-snapshotter/estargz"
)

func die(err error) {
	fmt.Fprintln(os.Stderr, "estargz-build:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 3 {
		die(fmt.Errorf("usage: estargz-build IN OUT"))
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		die(err)
	}
	st, err := in.Stat()
	if err != nil {
		die(err)
	}
	blob, err := estargz.Build(io.NewSectionReader(in, 0, st.Size()))
	if err != nil {
		die(err)
	}
	out, err := os.Create(os.Args[2])
	if err != nil {
		die(err)
	}
	if _, err := io.Copy(out, blob); err != nil {
		die(err)
	}
	if err := out.Close(); err != nil {
		die(err)
	}
	blob.Close()
	// The uncompressed size: the blob read back as one gzip stream.
	f, err := os.Open(os.Args[2])
	if err != nil {
		die(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		die(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		die(err)
	}
	fmt.Println(blob.TOCDigest(), blob.DiffID(), n)
}
