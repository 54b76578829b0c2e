package logging

import (
	"io"
	"log"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"
)

// printer holds the logger the SDK makes the standard logger's output (plugin.Server, and every
// execute with a sub-logger of the same level). Its level decides which lines Printf formats.
var printer atomic.Value

// SetPrinter records the logger whose level decides which lines Printf formats. Until it is
// called, Printf formats every line, as log.Printf does.
func SetPrinter(logger hclog.Logger) {
	if logger != nil {
		printer.Store(logger)
	}
}

// Printf is log.Printf for the SDK's "[LEVEL] ..." lines, formatting a line only when the level
// it names is one the logger prints. log.Printf formats every line and the hclog writer behind
// it drops those below its level only after that: the [TRACE] lines of every scan, with their
// key columns and quals, were most of the CPU of a join's inner scans. Once SetOutput has been
// called it prints through the SDK's own logger, so that its lines are kept when the standard
// logger discards.
func Printf(format string, v ...any) {
	if !prints(format) {
		return
	}
	if own.set.Load() {
		own.logger.Printf(format, v...)
		return
	}
	log.Printf(format, v...)
}

// own is the SDK's own standard-library logger, which SetOutput points at the plugin's log.
var own = struct {
	logger *log.Logger
	set    atomic.Bool
}{logger: log.New(io.Discard, "", 0)}

// SetOutput makes w the output of the lines Printf prints and of the standard logger, except
// that the standard logger discards when the level prints no [INFO] line. log.Printf formats a
// line before its writer can drop it, and only a logger whose output is io.Discard skips that.
// In the FDW the standard logger also carries the FDW's own [INFO] lines, several of each scan,
// one of them the whole execute request in protobuf's text format: a join's inner scans spent
// 13% of their CPU formatting lines that Steampipe's default level (WARN) then dropped. The
// FDW's init means to discard below TRACE and undoes it itself; the SDK's execute reset the
// standard logger at every scan. The SDK's [WARN] and [ERROR] lines go through Printf; the
// FDW's all but two (trace headers, a cache clear) come with an error PostgreSQL logs.
func SetOutput(w io.Writer) {
	own.logger.SetOutput(w)
	own.set.Store(true)
	if prints("[INFO]") {
		log.SetOutput(w)
	} else {
		log.SetOutput(io.Discard)
	}
	log.SetPrefix("")
	log.SetFlags(0)
}

// Prints says whether a line of this format would be printed: for lines whose arguments cost
// more to build than to format.
func Prints(format string) bool {
	return prints(format)
}

// prints says whether the logger set by SetPrinter would print a line of this format, reading
// its level from the prefix as hclog's standard writer does (no prefix is INFO).
func prints(format string) bool {
	logger, ok := printer.Load().(hclog.Logger)
	if !ok {
		return true
	}
	return levelOf(format) >= logger.GetLevel()
}

// levelOf is the level a line's prefix names, as hclog's InferLevels reads it.
func levelOf(line string) hclog.Level {
	switch {
	case strings.HasPrefix(line, "[TRACE]"):
		return hclog.Trace
	case strings.HasPrefix(line, "[DEBUG]"):
		return hclog.Debug
	case strings.HasPrefix(line, "[WARN]"):
		return hclog.Warn
	case strings.HasPrefix(line, "[ERROR]"), strings.HasPrefix(line, "[ERR]"):
		return hclog.Error
	default:
		return hclog.Info
	}
}
