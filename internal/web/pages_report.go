package web

// reportRoutes are the pages of report intake and triage.
func (s *Web) reportRoutes() []route {
	return nil
}
