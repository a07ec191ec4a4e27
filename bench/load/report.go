package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// report is everything BENCHMARKS.md shows.
type report struct {
	Started, Finished time.Time
	Machine           machine
	LoadBefore        string // load average before the load test
	LoadAfter         string // after the load test
	LoadEnd           string // at the end
	LoadConfig        loadConfig
	Load              *loadResults
	Callgrind         *callgrindResults
	Benches           *benchSet
	BenchCommands     []string
	Profiles          []profile
}

// Goals of issue 6.
const (
	goalRPSRatio    = 0.8  // app req/s ≥ 0.8 × reference
	goalP99Ratio    = 1.5  // app p99 ≤ 1.5 × reference
	goalVerifyRatio = 1.2  // Verify ≤ 1.2 × the pooled HMAC floor
	goalIdleMB      = 20.0 // idle RSS
	goalLoadMB      = 40.0 // RSS under load
	goalFlatRatio   = 2.0  // FindBot at 100k / at 1k installations: an index grows with log n, a scan 100×
	goalLinearRatio = 1.5  // generate: time per command at 200 / at 50 commands: linear ≤ 1 (fixed costs), quadratic 4
)

//go:embed report.md.tmpl
var reportTemplate string

func (r *report) write(path string) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"dur":   fmtNs,
		"pct":   func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" },
		"mb":    func(b int64) string { return strconv.FormatFloat(mb(b), 'f', 1, 64) },
		"date":  func(t time.Time) string { return t.Format("2006-01-02 15:04 MST") },
		"gib":   func(b int64) string { return strconv.FormatFloat(float64(b)/(1<<30), 'f', 1, 64) },
		"count": fmtCount,
	}).Parse(reportTemplate)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Duration reports how long the whole run took.
func (r *report) Duration() string { return r.Finished.Sub(r.Started).Round(time.Second).String() }

// fmtNs renders nanoseconds with a unit that keeps 3 significant digits.
func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return strconv.FormatFloat(ns/1e9, 'f', 2, 64) + " s"
	case ns >= 1e6:
		return sig3(ns/1e6) + " ms"
	case ns >= 1e3:
		return sig3(ns/1e3) + " µs"
	}
	return sig3(ns) + " ns"
}

func sig3(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func fmtInt(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }

// fmtCount rounds x to an integer and groups its digits by thousands:
// 1234567.8 → "1,234,568".
func fmtCount(x float64) string {
	s := fmtInt(x)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// --- load test views ---

// serverRow is one line of a payload's table.
type serverRow struct {
	Server                              string
	RPS, P50, P99, CPU, RSS, Non2xx, Er string
}

// ratios compares the medians of the app with the reference's.
type ratios struct {
	RPS, P99, CPU float64
}

func loadSpread(rs []round, f func(round) float64) spread {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return summarize(xs)
}

func rowOf(name string, rs []round) serverRow {
	ms := func(us float64) string { return strconv.FormatFloat(us/1000, 'f', 2, 64) }
	one := func(us float64) string { return strconv.FormatFloat(us, 'f', 1, 64) }
	return serverRow{
		Server: name,
		RPS:    loadSpread(rs, func(r round) float64 { return r.Wrk.RPS() }).format(fmtInt),
		P50:    loadSpread(rs, func(r round) float64 { return float64(r.Wrk.P50US) }).format(ms),
		P99:    loadSpread(rs, func(r round) float64 { return float64(r.Wrk.P99US) }).format(ms),
		CPU:    loadSpread(rs, func(r round) float64 { return r.CPUPerReq() }).format(one),
		RSS:    loadSpread(rs, func(r round) float64 { return mb(r.RSSMax) }).format(one),
		Non2xx: fmtInt(loadSpread(rs, func(r round) float64 { return float64(r.Wrk.Non2xx) }).Max),
		Er:     fmtInt(loadSpread(rs, func(r round) float64 { return float64(r.Wrk.Errors) }).Max),
	}
}

// Rows returns the app's and the reference's lines.
func (p payloadResult) Rows() []serverRow {
	return []serverRow{rowOf("generated app (examples/multi-workspace)", p.App), rowOf("reference (bench/reference)", p.Ref)}
}

// Ratios compares the medians.
func (p payloadResult) Ratios() ratios {
	med := func(rs []round, f func(round) float64) float64 { return loadSpread(rs, f).Median }
	rps := func(r round) float64 { return r.Wrk.RPS() }
	p99 := func(r round) float64 { return float64(r.Wrk.P99US) }
	return ratios{
		RPS: ratio(med(p.App, rps), med(p.Ref, rps)),
		P99: ratio(med(p.App, p99), med(p.Ref, p99)),
		CPU: ratio(med(p.App, round.CPUPerReq), med(p.Ref, round.CPUPerReq)),
	}
}

// PairedRPS is each round's app req/s over the reference's of the same
// round, as they ran: how much of the spread is the machine's.
func (p payloadResult) PairedRPS() string {
	var out []string
	for i := range min(len(p.App), len(p.Ref)) {
		out = append(out, fmt.Sprintf("%.3f", ratio(p.App[i].Wrk.RPS(), p.Ref[i].Wrk.RPS())))
	}
	return strings.Join(out, ", ")
}

// Rounds interleaves the rounds as they ran.
func (p payloadResult) Rounds() []round {
	var out []round
	for i := range p.App {
		out = append(out, p.App[i])
		if i < len(p.Ref) {
			out = append(out, p.Ref[i])
		}
	}
	return out
}

// Sample is one body of the payload, for the report.
func (p payloadResult) Sample() string {
	if len(p.Payload.Bodies) == 0 {
		return ""
	}
	return string(p.Payload.Bodies[0])
}

// WarnErr counts the app's warnings and errors logged during the rounds.
func (p payloadResult) WarnErr() int {
	n := 0
	for _, r := range p.App {
		n += r.Levels["WARN"] + r.Levels["ERROR"]
	}
	return n
}

// DedupeWarnings counts the app's warnings that its de-duplication window
// forgets event ids before their TTL (see dedupeWindow).
func (p payloadResult) DedupeWarnings() int {
	n := 0
	for _, r := range p.App {
		n += r.Levels[dedupeWindow]
	}
	return n
}

// LogSamples returns the first warnings or errors the app logged.
func (p payloadResult) LogSamples() []string {
	var out []string
	for _, r := range p.App {
		out = append(out, r.Samples...)
	}
	return out[:min(len(out), 3)]
}

// MaxRSSApp is the largest VmRSS of the app sampled under load.
func (l *loadResults) MaxRSSApp() int64 {
	var m int64
	for _, p := range l.Payloads {
		for _, r := range p.App {
			m = max(m, r.RSSMax)
		}
	}
	return m
}

// --- goals ---

type goal struct {
	What, Target, Measured string
	Met                    bool
}

// Goals checks the measurements against issue 6's goals.
func (r *report) Goals() []goal {
	var g []goal
	if r.Load != nil {
		for _, p := range r.Load.Payloads {
			rt := p.Ratios()
			g = append(g,
				goal{p.Payload.Name + ": req/s, app / reference", fmt.Sprintf("≥ %.1f", goalRPSRatio), fmt.Sprintf("%.3f", rt.RPS), rt.RPS >= goalRPSRatio},
				goal{p.Payload.Name + ": p99 latency, app / reference", fmt.Sprintf("≤ %.1f", goalP99Ratio), fmt.Sprintf("%.3f", rt.P99), rt.P99 <= goalP99Ratio})
		}
		idle, load := mb(r.Load.IdleApp), mb(max(r.Load.MaxRSSApp(), r.Load.HWMApp))
		g = append(g,
			goal{"app RSS, idle", fmt.Sprintf("≤ %.0f MB", goalIdleMB), fmt.Sprintf("%.1f MB", idle), idle <= goalIdleMB},
			goal{"app RSS under load (peak: VmHWM)", fmt.Sprintf("≤ %.0f MB", goalLoadMB), fmt.Sprintf("%.1f MB", load), load <= goalLoadMB})
	}
	if r.Benches != nil {
		v, f := r.Benches.get("runtime/signature", "Verify"), r.Benches.get("runtime/signature", "FloorHMAC")
		if v != nil && f != nil {
			vr := ratio(v.metric("ns/op").Median, f.metric("ns/op").Median)
			allocs := v.metric("allocs/op").Median
			g = append(g,
				goal{"signature.Verify / pooled crypto/hmac floor (~300-byte body)", fmt.Sprintf("≤ %.1f", goalVerifyRatio),
					fmt.Sprintf("%.2f (%s vs %s)", vr, fmtNs(v.metric("ns/op").Median), fmtNs(f.metric("ns/op").Median)), vr <= goalVerifyRatio},
				goal{"signature.Verify allocations", "0 allocs/op", fmtInt(allocs) + " allocs/op", allocs == 0})
		}
		for _, st := range []struct{ pkg, name string }{{"/sqlitestore", "SQLite"}, {"/pgstore", "PostgreSQL"}} {
			small, big := r.Benches.get(st.pkg, "FindBot/installations=1000"), r.Benches.get(st.pkg, "FindBot/installations=100000")
			if small == nil || big == nil {
				continue
			}
			s, b := small.metric("ns/op").Median, big.metric("ns/op").Median
			if s == 0 || b == 0 {
				continue
			}
			fr := b / s
			g = append(g, goal{"FindBot on " + st.name + ": 100k / 1k installations (indexed: flat)", fmt.Sprintf("≤ %.1f", goalFlatRatio),
				fmt.Sprintf("%.2f (%s vs %s)", fr, fmtNs(b), fmtNs(s)), fr <= goalFlatRatio})
		}
		for _, kind := range []string{"cold", "noop"} {
			r50, r200 := r.Benches.get("/generator", "Generate/"+kind+"/commands=50/events=0"), r.Benches.get("/generator", "Generate/"+kind+"/commands=200/events=0")
			if r50 == nil || r200 == nil {
				continue
			}
			per50, per200 := r50.metric("ns/op").Median/50, r200.metric("ns/op").Median/200
			if per50 == 0 || per200 == 0 {
				continue
			}
			lr := per200 / per50
			g = append(g, goal{"generate (" + kind + "): time per command, 200 / 50 commands (linear)", fmt.Sprintf("≤ %.1f", goalLinearRatio),
				fmt.Sprintf("%.2f (%s vs %s a command)", lr, fmtNs(per200), fmtNs(per50)), lr <= goalLinearRatio})
		}
	}
	return g
}

// --- microbenchmark views ---

// benchTable is the results of one package.
type benchTable struct {
	Pkg    string
	Extra  []string // custom units, as columns
	Rows   []benchRow
	Header string
}

type benchRow struct {
	Name, NsOp, BOp, AllocsOp string
	Extra                     []string
}

var standardUnits = []string{"ns/op", "B/op", "allocs/op", "MB/s"}

// Tables groups the microbenchmarks by package, in the order they ran.
func (r *report) Tables() []benchTable {
	if r.Benches == nil {
		return nil
	}
	var out []benchTable
	idx := map[string]int{}
	for _, res := range r.Benches.results {
		i, ok := idx[res.Pkg]
		if !ok {
			i = len(out)
			idx[res.Pkg] = i
			out = append(out, benchTable{Pkg: res.Pkg})
		}
		for u := range res.Metrics {
			if !slices.Contains(standardUnits, u) && !slices.Contains(out[i].Extra, u) {
				out[i].Extra = append(out[i].Extra, u)
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Extra)
		cols := []string{"benchmark", "ns/op", "B/op", "allocs/op"}
		cols = append(cols, out[i].Extra...)
		out[i].Header = "| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat("---|", len(cols))
	}
	for _, res := range r.Benches.results {
		t := &out[idx[res.Pkg]]
		row := benchRow{
			Name:     res.Name,
			NsOp:     res.metric("ns/op").format(fmtNs),
			BOp:      res.metric("B/op").format(fmtInt),
			AllocsOp: res.metric("allocs/op").format(fmtInt),
		}
		for _, u := range t.Extra {
			s := res.metric(u)
			if strings.HasSuffix(u, "ns/op") {
				row.Extra = append(row.Extra, s.format(fmtNs))
			} else {
				row.Extra = append(row.Extra, s.format(sig3))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return out
}

// Cells joins a row's cells for a markdown table.
func (b benchRow) Cells() string {
	c := append([]string{"`" + b.Name + "`", b.NsOp, b.BOp, b.AllocsOp}, b.Extra...)
	return "| " + strings.Join(c, " | ") + " |"
}

// PgSkipped reports whether the PostgreSQL benchmarks were skipped.
func (r *report) PgSkipped() bool {
	return r.Benches != nil && r.Benches.get("installstore/pgstore", "FindBot/installations=1000") == nil
}
