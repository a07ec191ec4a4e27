package slacktest

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
)

//go:embed pages/*.html
var pageFiles embed.FS

var pages = template.Must(template.ParseFS(pageFiles, "pages/*.html"))

type field struct{ Name, Value string }

type consentPage struct {
	Action     string
	AppName    string
	BotScopes  []string
	UserScopes []string
	Choices    []choice
	OpenID     bool
	Hidden     []field
}

type conversationPage struct {
	AppName  string
	URL      string
	Messages []Message
	Calls    []Call
}

func renderConsent(w http.ResponseWriter, p consentPage) {
	render(w, http.StatusOK, "consent.html", p)
}

// renderError shows the authorize error page; msg is for the user and never
// holds a secret.
func renderError(w http.ResponseWriter, msg string) {
	render(w, http.StatusBadRequest, "error.html", msg)
}

func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "slacktest: rendering "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
