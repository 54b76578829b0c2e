package harness

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// LogBuffer is a concurrency-safe in-memory sink for Options.LogOutput.
// go-plugin writes plugin output from several goroutines (stderr reader,
// stdio sync streams, its own logger), so a plain bytes.Buffer would race.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// NewLogBuffer returns an empty LogBuffer.
func NewLogBuffer() *LogBuffer { return &LogBuffer{} }

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Contains reports whether s has been written (e.g. a secret that must not be
// logged, or a line the plugin should have logged).
func (b *LogBuffer) Contains(s string) bool {
	return strings.Contains(b.String(), s)
}

// lockedWriter serialises writes from the several go-plugin goroutines onto a
// caller-supplied writer that may not be safe for concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// stderrSkippingLogger is the hclog logger handed to go-plugin. go-plugin both
// copies the plugin's raw stderr to ClientConfig.Stderr and re-logs every
// stderr line through logger.Named(<binary base name>). We send the raw copy to
// LogOutput (byte-exact, whatever the level, which is what secret-grepping
// tests want), so the re-logged copy is dropped here to avoid every plugin
// line appearing twice. go-plugin's own messages (start, exit, errors) still
// come through. If go-plugin ever names things differently the only effect is
// duplicated lines.
type stderrSkippingLogger struct {
	hclog.Logger
	skip string
}

func (l stderrSkippingLogger) Named(name string) hclog.Logger {
	if name == l.skip {
		return hclog.NewNullLogger()
	}
	return stderrSkippingLogger{Logger: l.Logger.Named(name), skip: l.skip}
}

func (l stderrSkippingLogger) With(args ...interface{}) hclog.Logger {
	return stderrSkippingLogger{Logger: l.Logger.With(args...), skip: l.skip}
}
