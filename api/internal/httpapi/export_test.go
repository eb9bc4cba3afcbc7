package httpapi

// RouteList returns the method and path of every route the server
// registered, for the tests that walk them all.
func RouteList(s *Server) [][2]string {
	var out [][2]string
	for _, r := range s.echo.Routes() {
		out = append(out, [2]string{r.Method, r.Path})
	}
	return out
}
