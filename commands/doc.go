// Package commands is what CrisisBot does for people: it joins the knowledge
// base (package kb) to its front ends. The Discord commands, message handlers
// and replies live here, next to the terminal front end (ask, chat, kb
// export, kb check), so both render the same answers.
package commands
