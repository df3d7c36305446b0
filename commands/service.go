package commands

import (
	"context"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/commands/i18n"
	"crisisbot/kb"
)

// Options configure the Discord commands. Zero values mean defaults.
type Options struct {
	RateQuestions int           // questions per user per RateWindow; default 5
	RateWindow    time.Duration // default 30 s
	RepeatWindow  time.Duration // default 2 min
	Logger        *slog.Logger
	Now           func() time.Time // default time.Now; tests set a clock
	// Records keeps the questions asked and the votes (the moderated store);
	// nil keeps nothing.
	Records Records
	// Moderation is the /kb command; nil serves without moderation.
	Moderation *Moderation
	// Corrections remembers public answers so later changes reach them;
	// nil remembers nothing. It also reads the mention_author setting.
	Corrections *Corrections
	// Words are the bot's own words in every language; nil loads the
	// embedded message files.
	Words *i18n.Catalog
}

// Records is the part of kb.Store that keeps what members do: the questions
// they ask (for /kb unanswered and /kb stats) and their 👍/👎 votes.
type Records interface {
	// RecordQuestions counts asked questions in one transaction.
	RecordQuestions(ctx context.Context, qs []kb.Question) error
	Vote(ctx context.Context, scope, entryID, user string, up bool) error
	RecordPick(ctx context.Context, scope, question, entryID string) error
}

// Indexes gives the index that answers in a scope: a server id, or
// kb.GlobalScope for DMs. *kb.Library implements it with per-server layers;
// Fixed serves one index everywhere.
type Indexes interface {
	Index(scope string) *kb.Index
}

// Fixed serves the same live index in every scope (no moderation store).
type Fixed struct{ Live *kb.Live }

// Index implements Indexes.
func (f Fixed) Index(string) *kb.Index { return f.Live.Load() }

// scope is where a request's answers come from: its server, or the global
// knowledge base in DMs.
func scope(req *bot.Request) string {
	if req.GuildID != "" {
		return req.GuildID
	}
	return kb.GlobalScope
}

// Service holds what the Discord commands share: the knowledge base per
// scope, the rate limiter, recent answers per channel, the question log and
// the votes. Safe for concurrent use.
type Service struct {
	indexes   Indexes
	opts      Options
	log       *slog.Logger
	limiter   *limiter
	recent    *recent
	records   Records
	questions *questionLog // nil without Records
	asked     *askedRefs   // recent questions, for the picks their buttons record
	mod       *Moderation
	corr      *Corrections // nil without corrections
	words     *i18n.Catalog
	en        i18n.Lang // English: command definitions' default words
}

// NewService returns the commands over indexes.
func NewService(indexes Indexes, opts Options) *Service {
	if opts.RateQuestions == 0 {
		opts.RateQuestions = 5
	}
	if opts.RateWindow == 0 {
		opts.RateWindow = 30 * time.Second
	}
	if opts.RepeatWindow == 0 {
		opts.RepeatWindow = 2 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Words == nil {
		opts.Words = i18n.MustLoad()
	}
	s := &Service{
		indexes: indexes, opts: opts, log: opts.Logger,
		limiter: newLimiter(opts.RateQuestions, opts.RateWindow, opts.Now),
		recent:  newRecent(opts.RepeatWindow, opts.Now),
		records: opts.Records,
		asked:   newAskedRefs(10_000, 24*time.Hour, opts.Now),
		mod:     opts.Moderation,
		corr:    opts.Corrections,
		words:   opts.Words,
		en:      opts.Words.For(i18n.English),
	}
	if s.records != nil {
		s.questions = newQuestionLog(s.records, opts.Logger, questionLinger)
	}
	return s
}

// lang is the language to answer req in: the member's Discord locale, else
// the server's, else English.
func (s *Service) lang(req *bot.Request) i18n.Lang {
	return s.words.For(req.Locale, req.GuildLocale)
}

// command is one Discord command: its definition and its routes, together.
type command struct {
	def    *discordgo.ApplicationCommand
	routes func(r *bot.Router)
}

// commands is the one list that feeds both registration and routing.
func (s *Service) commands() []command {
	cmds := []command{s.askCommand(), s.askMessageCommand(), s.topicsCommand(), s.sourceCommand(), s.helpCommand()}
	if s.mod != nil {
		cmds = append(cmds, s.mod.command(s.indexes))
	}
	return cmds
}

// Definitions returns the commands to register with Discord.
func (s *Service) Definitions() []*discordgo.ApplicationCommand {
	var out []*discordgo.ApplicationCommand
	for _, c := range s.commands() {
		out = append(out, localized(s.words, c.def))
	}
	return out
}

// Routes adds every command's handlers, the shared buttons and the message
// handler to r.
func (s *Service) Routes(r *bot.Router) {
	for _, c := range s.commands() {
		c.routes(r)
	}
	s.entryRoutes(r)
	r.Message(s.handleMessage)
}

// everywhere lets a global command run in servers, the bot's DMs and group DMs.
func everywhere() *[]discordgo.InteractionContextType {
	return &[]discordgo.InteractionContextType{
		discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel,
	}
}

// noteQuestion records a question for the statistics, off the reply path:
// entry is the answer's id, or "" when declined; related is the fact shown
// for a partial answer.
func (s *Service) noteQuestion(scope, question, entry, related string) {
	if s.questions != nil {
		s.questions.note(scope, question, entry, related)
	}
}

// Close stops taking questions for the statistics and waits until the queued
// ones are written (or ctx ends). Call it after the gateway has closed and
// before the store closes.
func (s *Service) Close(ctx context.Context) error {
	if s.questions == nil {
		return nil
	}
	return s.questions.close(ctx)
}
