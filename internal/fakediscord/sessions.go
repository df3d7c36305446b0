package fakediscord

// ForgetSessions ends every session as Discord does when sessions expire:
// a later RESUME of any of them is answered with INVALID_SESSION (op 9,
// d=false), after which the client must IDENTIFY, within max_concurrency
// like any other IDENTIFY. Connections stay open.
func (s *Server) ForgetSessions() {
	s.mu.Lock()
	clear(s.sessions)
	s.mu.Unlock()
}
