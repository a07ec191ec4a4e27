package slacktest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// apiRequest is one Web API call, whichever way slack-go encoded it: a
// form (token in the "token" field or a bearer header), a JSON body (bearer
// header), and client credentials in the form or as basic auth.
type apiRequest struct {
	method string
	form   url.Values
	body   map[string]any // JSON body, when the request had one
	token  string
	// client credentials (basic auth or form)
	clientID, clientSecret string
}

// get returns a parameter as a string: a form field, or a JSON field
// (objects and arrays re-encoded as JSON).
func (r *apiRequest) get(key string) string {
	if v := r.form.Get(key); v != "" {
		return v
	}
	v, ok := r.body[key]
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// raw returns a JSON parameter (blocks, view) as raw JSON whether it came
// as a JSON value or as a JSON string in a form field.
func (r *apiRequest) raw(key string) json.RawMessage {
	if v := r.form.Get(key); v != "" {
		return json.RawMessage(v)
	}
	v, ok := r.body[key]
	if !ok || v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(v)
	return b
}

// params is what a Call captures: every parameter but secrets (tokens,
// client secret, authorization code, PKCE code verifier).
func (r *apiRequest) params() map[string]any {
	out := map[string]any{}
	for k, v := range r.body {
		out[k] = v
	}
	for k := range r.form {
		out[k] = r.form.Get(k)
	}
	for _, secret := range []string{"token", "client_secret", "refresh_token", "code", "code_verifier"} {
		delete(out, secret)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func parseAPIRequest(w http.ResponseWriter, r *http.Request) (*apiRequest, error) {
	req := &apiRequest{method: r.PathValue("method"), form: url.Values{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &req.body); err != nil {
				return nil, err
			}
		}
		req.form = r.URL.Query()
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
		if err := r.ParseMultipartForm(4 << 20); err != nil && err != http.ErrNotMultipart {
			return nil, err
		}
		req.form = r.Form
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	} else {
		req.token = req.get("token")
	}
	if id, secret, ok := r.BasicAuth(); ok {
		req.clientID, req.clientSecret = id, secret
	} else {
		req.clientID, req.clientSecret = req.get("client_id"), req.get("client_secret")
	}
	return req, nil
}

// result is a Web API answer: its fields besides ok, or an error code.
type result struct {
	fields map[string]any
	err    string
	extra  map[string]any // fields added to an error answer (needed/provided, errors)
	// rateLimit, when set, answers HTTP 429 with this Retry-After.
	rateLimit time.Duration
}

func ok(fields map[string]any) result { return result{fields: fields} }
func fail(code string) result         { return result{err: code} }

type authMode int

const (
	authNone   authMode = iota // no token (api.test)
	authClient                 // client credentials (oauth.v2.access, openid.connect.token)
	authToken                  // a bot or user token
	authConfig                 // an app configuration token (apps.manifest.*)
	authApp                    // an app-level token (apps.connections.open)
)

// tokenKinds are the token kinds each auth mode accepts.
var tokenKinds = map[authMode][]tokenKind{
	authToken:  {kindBot, kindUser},
	authConfig: {kindConfig},
	authApp:    {kindApp},
}

type apiMethod struct {
	auth  authMode
	scope string // required scope, when any
	fn    func(s *Server, r *apiRequest, t *token) result
}

var apiMethods map[string]apiMethod

func init() {
	apiMethods = map[string]apiMethod{
		"api.test":                {auth: authNone, fn: (*Server).apiTest},
		"oauth.v2.access":         {auth: authClient, fn: (*Server).oauthV2Access},
		"openid.connect.token":    {auth: authClient, fn: (*Server).openIDToken},
		"openid.connect.userInfo": {auth: authToken, scope: "openid", fn: (*Server).openIDUserInfo},
		"auth.test":               {auth: authToken, fn: (*Server).authTest},
		"auth.revoke":             {auth: authToken, fn: (*Server).authRevoke},
		"apps.uninstall":          {auth: authToken, fn: (*Server).appsUninstall},
		"chat.postMessage":        {auth: authToken, scope: "chat:write", fn: (*Server).chatPostMessage},
		"chat.postEphemeral":      {auth: authToken, scope: "chat:write", fn: (*Server).chatPostEphemeral},
		"chat.update":             {auth: authToken, scope: "chat:write", fn: (*Server).chatUpdate},
		"chat.delete":             {auth: authToken, scope: "chat:write", fn: (*Server).chatDelete},
		"reactions.add":           {auth: authToken, scope: "reactions:write", fn: (*Server).reactionsAdd},
		"users.info":              {auth: authToken, scope: "users:read", fn: (*Server).usersInfo},
		"conversations.open":      {auth: authToken, fn: (*Server).conversationsOpen},
		"views.open":              {auth: authToken, fn: (*Server).viewsOpen},
		"views.push":              {auth: authToken, fn: (*Server).viewsOpen},
		"views.publish":           {auth: authToken, fn: (*Server).viewsPublish},
		"views.update":            {auth: authToken, fn: (*Server).viewsUpdate},
		"apps.manifest.validate":  {auth: authConfig, fn: (*Server).manifestValidate},
		"apps.manifest.create":    {auth: authConfig, fn: (*Server).manifestCreate},
		"apps.manifest.update":    {auth: authConfig, fn: (*Server).manifestUpdate},
		"apps.manifest.export":    {auth: authConfig, fn: (*Server).manifestExport},
		"apps.connections.open":   {auth: authApp, fn: (*Server).appsConnectionsOpen},
	}
}

// handleAPI serves /api/{method}. Like Slack, it answers 200 with
// {"ok":false,"error":…} for every API-level error.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	req, err := parseAPIRequest(w, r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	s.mu.Lock()
	res, call := s.call(req)
	s.recordCall(call)
	s.mu.Unlock()
	if res.rateLimit > 0 {
		writeRateLimited(w, res.rateLimit)
		return
	}

	out := map[string]any{"ok": res.err == ""}
	if res.err != "" {
		out["error"] = res.err
		for k, v := range res.extra {
			out[k] = v
		}
	}
	for k, v := range res.fields {
		out[k] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// call runs one method. Callers hold s.mu.
func (s *Server) call(req *apiRequest) (result, Call) {
	c := Call{Time: s.opts.now(), Method: req.method, Params: req.params()}
	res := s.dispatch(req, &c)
	c.OK, c.Error = res.err == "", res.err
	return res, c
}

func (s *Server) dispatch(req *apiRequest, c *Call) result {
	m, found := apiMethods[req.method]
	if !found {
		return fail("unknown_method")
	}
	var t *token
	switch m.auth {
	case authToken, authConfig, authApp:
		var code string
		if t, code = s.check(req.token); code != "" {
			return fail(code)
		}
		c.TokenType = string(t.kind)
		c.Team, c.Enterprise = t.teamID, t.enterpriseID
		if t.kind == kindUser {
			c.User = t.userID
		}
		if !slices.Contains(tokenKinds[m.auth], t.kind) {
			return fail("not_allowed_token_type")
		}
		if m.scope != "" && !t.hasScope(m.scope) {
			return result{err: "missing_scope", extra: map[string]any{"needed": m.scope, "provided": strings.Join(t.scopes, ",")}}
		}
	case authClient:
		if req.clientID == "" {
			return fail("invalid_client_id")
		}
	}
	if f := s.takeFault(req.method); f != nil {
		if f.code == "" {
			return result{err: "ratelimited", rateLimit: f.retryAfter}
		}
		return fail(f.code)
	}
	return m.fn(s, req, t)
}

func (s *Server) apiTest(r *apiRequest, _ *token) result {
	if e := r.get("error"); e != "" {
		return fail(e)
	}
	args := map[string]any{}
	for k, v := range r.params() {
		args[k] = v
	}
	return ok(map[string]any{"args": args})
}
