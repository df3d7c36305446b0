package fakediscord

// HoldGateway drops the gateway connection, as Drop does, and refuses new
// ones (HTTP 503 on the upgrade) until ReleaseGateway: an outage long enough
// to be seen.
func (s *Server) HoldGateway() {
	s.held.Store(true)
	s.Drop()
}

// ReleaseGateway lets the bot connect (and resume) again.
func (s *Server) ReleaseGateway() { s.held.Store(false) }

// HeldOff counts the gateway connections refused while the gateway was held:
// a client's reconnect attempts.
func (s *Server) HeldOff() int64 { return s.heldOff.Load() }
