// Command ferretdb runs FerretDB 1.24 with its SQLite backend as a local
// MongoDB-compatible server for development and the test suite.
//
// It embeds FerretDB instead of building cmd/ferretdb because that binary,
// built with `go install`, panics at start-up: it expects version files that
// only FerretDB's own release build generates. The embedded server never
// reports telemetry (see package github.com/FerretDB/FerretDB/ferretdb).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on; keep it on loopback")
	dataDir := flag.String("data-dir", "", "folder for the SQLite files (required)")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error; warn also logs every rejected command")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -data-dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data folder %q: %v\n", *dataDir, err)
		os.Exit(1)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// SQLite URIs name a folder and must end with a slash.
	sqliteURL := "file:" + strings.TrimSuffix(*dataDir, "/") + "/"

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: failed to start: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		// MongoDBURI blocks until the listener is bound, so scripts that wait
		// for this line know that the server accepts connections.
		// It bypasses the logger so that it appears at every log level.
		fmt.Fprintf(os.Stderr, "ferretdb listening uri=%s data=%s\n", server.MongoDBURI(), sqliteURL)
	}()

	if err := server.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
