package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode: an app with an app-level token calls apps.connections.open,
// dials the returned WebSocket URL, and receives its traffic as envelopes
// it acks, instead of HTTP requests.

const (
	// socketTicketLifetime is how long the URL apps.connections.open
	// returns can be dialled (once), like Slack's short-lived wss URLs; an
	// unused one is forgotten then.
	socketTicketLifetime = 30 * time.Second
	socketPingInterval   = 10 * time.Second // slack-go gives up after 30 s without a ping
	socketWriteTimeout   = 5 * time.Second
)

// socketConn is one Socket Mode connection of an app.
type socketConn struct {
	appID string
	ws    *websocket.Conn
	wmu   sync.Mutex // serializes writes
}

func (c *socketConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(socketWriteTimeout))
	return c.ws.WriteJSON(v)
}

func (c *socketConn) ping() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteControl(websocket.PingMessage, []byte("emulator"), time.Now().Add(socketWriteTimeout))
}

type socketState struct {
	tickets   map[string]time.Time // one-use connection tickets → expiry
	ticketApp map[string]string
	conns     map[*socketConn]struct{}
	pending   map[string]chan json.RawMessage // envelope id → its ack
	next      int
	wg        sync.WaitGroup

	ticketExpiry expiryQueue // forgets the tickets never dialled
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// AppToken is the primary app's app-level token (xapp-…), which opens
// Socket Mode connections: an app's SLACK_APP_TOKEN.
func (s *Server) AppToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps[0].appToken
}

// SocketConnections is the number of open Socket Mode connections of the
// primary app.
func (s *Server) SocketConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.socket.conns {
		if c.appID == s.apps[0].cfg.AppID {
			n++
		}
	}
	return n
}

// appsConnectionsOpen hands out a one-use WebSocket URL.
func (s *Server) appsConnectionsOpen(_ *apiRequest, t *token) result {
	now := s.opts.now()
	s.socket.ticketExpiry.sweep(now, func(ticket string) {
		delete(s.socket.tickets, ticket)
		delete(s.socket.ticketApp, ticket)
	})
	ticket := s.rnd.hex(16)
	s.socket.tickets[ticket] = now.Add(socketTicketLifetime)
	s.socket.ticketApp[ticket] = t.appID
	s.socket.ticketExpiry.push(ticket, now.Add(socketTicketLifetime))
	return ok(map[string]any{"url": "ws" + strings.TrimPrefix(s.url, "http") + "/_emulator/socket/" + ticket})
}

// handleSocket serves a Socket Mode connection until the app or the server
// closes it.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.PathValue("ticket")
	s.mu.Lock()
	expires, found := s.socket.tickets[ticket]
	appID := s.socket.ticketApp[ticket]
	delete(s.socket.tickets, ticket)
	delete(s.socket.ticketApp, ticket)
	closing := s.closing
	if found && !closing {
		s.socket.wg.Add(1)
	}
	s.mu.Unlock()
	if !found || !s.opts.now().Before(expires) || closing {
		http.Error(w, "invalid or expired Socket Mode URL: call apps.connections.open again", http.StatusUnauthorized)
		if found && !closing {
			s.socket.wg.Done()
		}
		return
	}
	defer s.socket.wg.Done()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	c := &socketConn{appID: appID, ws: ws}
	s.mu.Lock()
	if s.closing {
		// closeSockets ran while this connection was upgrading: it did not
		// see it, so close it here rather than leave Close waiting on it.
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.socket.conns[c] = struct{}{}
	n := 0
	for o := range s.socket.conns {
		if o.appID == appID {
			n++
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.socket.conns, c)
		s.mu.Unlock()
		ws.Close()
	}()
	if err := c.writeJSON(map[string]any{
		"type": "hello", "num_connections": n,
		"connection_info": map[string]any{"app_id": appID},
		"debug_info":      map[string]any{"host": "slacktest", "approximate_connection_time": 18060},
	}); err != nil {
		return
	}

	stop := make(chan struct{})
	defer close(stop)
	s.socket.wg.Add(1)
	go func() { // keep slack-go's dead-man timer happy
		defer s.socket.wg.Done()
		t := time.NewTicker(socketPingInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if c.ping() != nil {
					return
				}
			}
		}
	}()
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(msg, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		ch := s.socket.pending[ack.EnvelopeID]
		s.mu.Unlock()
		if ch != nil {
			select {
			case ch <- ack.Payload:
			default: // acked twice: the first ack counts
			}
		}
	}
}

// closeSockets disconnects every Socket Mode connection and waits for
// their goroutines.
func (s *Server) closeSockets() {
	s.mu.Lock()
	s.closing = true
	for c := range s.socket.conns {
		_ = c.writeJSON(map[string]any{"type": "disconnect", "reason": "warning", "debug_info": map[string]any{"host": "slacktest"}})
		c.ws.Close()
	}
	s.mu.Unlock()
	s.socket.wg.Wait()
}

// deliverSocket sends one envelope to a connection of the primary app and
// waits for its ack. The ack's payload becomes the reply body.
func (s *Server) deliverSocket(ctx context.Context, typ string, payload any, acceptsResponse bool) (*Reply, error) {
	return s.deliverSocketRetry(ctx, typ, payload, acceptsResponse, 0, "")
}

func (s *Server) deliverSocketRetry(ctx context.Context, typ string, payload any, acceptsResponse bool, retry int, reason string) (*Reply, error) {
	s.mu.Lock()
	appID := s.apps[0].cfg.AppID
	var conns []*socketConn
	for c := range s.socket.conns {
		if c.appID == appID {
			conns = append(conns, c)
		}
	}
	if len(conns) == 0 {
		s.mu.Unlock()
		err := fmt.Errorf("%w: no Socket Mode connection is open (start the app with its SLACK_APP_TOKEN)", ErrAppUnreachable)
		s.noteFailure(err.Error())
		return nil, err
	}
	c := conns[s.socket.next%len(conns)]
	s.socket.next++
	id := s.rnd.hex(4) + "-" + s.rnd.hex(2) + "-" + s.rnd.hex(2) + "-" + s.rnd.hex(2) + "-" + s.rnd.hex(6)
	ch := make(chan json.RawMessage, 1)
	s.socket.pending[id] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.socket.pending, id)
		s.mu.Unlock()
	}()

	raw, err := marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("slacktest: encoding the %s payload: %w", typ, err)
	}
	env := map[string]any{
		"envelope_id": id, "type": typ, "payload": json.RawMessage(raw),
		"accepts_response_payload": acceptsResponse, "retry_attempt": retry, "retry_reason": reason,
	}
	if err := c.writeJSON(env); err != nil {
		return nil, fmt.Errorf("%w over Socket Mode: %w", ErrAppUnreachable, err)
	}
	timer := time.NewTimer(s.opts.appTimeout)
	defer timer.Stop()
	select {
	case p := <-ch:
		body := []byte(p)
		if len(body) == 0 || string(body) == "null" {
			body = nil
		}
		return &Reply{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}, nil
	case <-timer.C:
		err := fmt.Errorf("%w: envelope %s (%s) was not acked within %s", ErrAppUnreachable, id, typ, s.opts.appTimeout)
		s.noteFailure(err.Error())
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var errNoSocketURLVerification = errors.New("slacktest: Socket Mode apps get no url_verification (it is an HTTP handshake)")
