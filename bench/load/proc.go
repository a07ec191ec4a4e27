package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a process under test, pinned to one CPU with taskset.
type server struct {
	Name    string
	cmd     *exec.Cmd
	addr    string // 127.0.0.1:port
	logPath string
	exited  chan struct{}
}

// startServer runs bin with args and env on cpu; its output goes to
// logPath (appended, so the driver may truncate it between runs).
func startServer(name, cpu, bin string, args, env []string, addr, logPath string) (*server, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command("taskset", append([]string{"-c", cpu, bin}, args...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	s := &server{Name: name, cmd: cmd, addr: addr, logPath: logPath, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	return s, nil
}

// waitReady polls path (any HTTP answer counts) until the server answers.
func (s *server) waitReady(path string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited at start; its log:\n%s", s.Name, s.tail(20))
		default:
		}
		resp, err := client.Get("http://" + s.addr + path)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer on %s within %v; its log:\n%s", s.Name, s.addr, timeout, s.tail(20))
}

// stop terminates the server and waits for it.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// mem reads VmRSS and VmHWM (peak RSS) of the server, in bytes.
func (s *server) mem() (rss, hwm int64, err error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	return parseStatus(data)
}

// parseStatus extracts VmRSS and VmHWM from /proc/<pid>/status.
func parseStatus(data []byte) (rss, hwm int64, err error) {
	for line := range bytes.Lines(data) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		var dst *int64
		switch string(k) {
		case "VmRSS":
			dst = &rss
		case "VmHWM":
			dst = &hwm
		default:
			continue
		}
		f := strings.Fields(string(v))
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("unexpected %s line %q", k, line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", k, err)
		}
		*dst = n * 1024
	}
	if rss == 0 || hwm == 0 {
		return 0, 0, errors.New("VmRSS or VmHWM missing from /proc/<pid>/status")
	}
	return rss, hwm, nil
}

// sampleRSS samples VmRSS every interval until ctx is done and returns the
// samples.
func (s *server) sampleRSS(ctx context.Context, interval time.Duration) func() []int64 {
	var (
		mu  sync.Mutex
		out []int64
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if rss, _, err := s.mem(); err == nil {
					mu.Lock()
					out = append(out, rss)
					mu.Unlock()
				}
			}
		}
	}()
	return func() []int64 {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return out
	}
}

// The app's log line for an event dropped as a retry, and logStats's count
// of them: the bench's events must all be new to the app.
const (
	droppedRetryMsg = "dropped a retried event already accepted"
	droppedRetry    = "dropped-as-retry"
)

// The app's warning that its event de-duplication window forgets ids
// before their TTL, and logStats's count of it. At the bench's rate (tens
// of thousands of events a second, against Slack's retries up to 5 minutes
// later) the default window of 10,000 ids is too small, as the warning
// says; the work per event is the same either way, so it is counted apart
// from the warnings and errors that would mean requests were not served
// alike.
const (
	dedupeWindowMsg = "event de-duplication is forgetting event ids"
	dedupeWindow    = "dedupe-window"
)

// logStats counts the lines of the server's log by slog level (and those
// of events dropped as retries, under droppedRetry; the de-duplication
// window's warning under dedupeWindow instead of WARN) and returns
// a few of the warnings and errors, then empties the log.
func (s *server) logStats() (lines int, levels map[string]int, samples []string, err error) {
	f, err := os.Open(s.logPath)
	if err != nil {
		return 0, nil, nil, err
	}
	levels = map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines++
		line := sc.Text()
		lvl := "other"
		for _, l := range []string{"DEBUG", "INFO", "WARN", "ERROR"} {
			if strings.Contains(line, `"level":"`+l+`"`) {
				lvl = l
				break
			}
		}
		if strings.Contains(line, `"msg":"`+dedupeWindowMsg) {
			lvl = dedupeWindow
		}
		levels[lvl]++
		if strings.Contains(line, `"msg":"`+droppedRetryMsg+`"`) {
			levels[droppedRetry]++
		}
		if (lvl == "WARN" || lvl == "ERROR" || lvl == "other") && len(samples) < 3 {
			samples = append(samples, line)
		}
	}
	f.Close()
	if err := sc.Err(); err != nil {
		return 0, nil, nil, err
	}
	return lines, levels, samples, os.Truncate(s.logPath, 0)
}

// freeAddr returns a free loopback address.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail returns the last n lines of the server's log.
func (s *server) tail(n int) string {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// userHZ is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// cpuTime reads the CPU time (user + system, all threads) the server used
// so far.
func (s *server) cpuTime() (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0, err
	}
	return parseStatCPU(data)
}

// parseStatCPU returns utime + stime of a /proc/<pid>/stat line.
func parseStatCPU(data []byte) (time.Duration, error) {
	// The command name (field 2) is in parentheses and may hold spaces;
	// fields are counted after its closing parenthesis.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc/<pid>/stat")
	}
	f := strings.Fields(string(data[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, errors.New("short /proc/<pid>/stat")
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/<pid>/stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
