package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"crisisbot/bot"
	"crisisbot/kb"
)

const topicPage = 5 // questions per page: one row of buttons

func (s *Service) topicsCommand() command {
	return command{
		def: &discordgo.ApplicationCommand{Name: "topics", Description: s.en.T("cmd_topics_desc"), Contexts: everywhere()},
		routes: func(r *bot.Router) {
			r.Command("topics", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				rep := s.topicMenu(req)
				rep.Ephemeral = true
				return rep, nil
			}, bot.Private)
			r.Component("/topics/pick", s.handleTopicPick, bot.UpdatesMessage)
			r.Component("/topics/{topic}/{page}", s.handleTopicPage, bot.UpdatesMessage)
			r.Component("/topics/home", func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
				rep := s.topicMenu(req)
				rep.Update = true
				return rep, nil
			}, bot.UpdatesMessage)
		},
	}
}

// topics lists the knowledge base's topics in order of first appearance,
// with their entries.
func topics(k *kb.KB) ([]string, map[string][]*kb.Entry) {
	var names []string
	by := map[string][]*kb.Entry{}
	for i := range k.Entries {
		e := &k.Entries[i]
		if _, ok := by[e.Topic]; !ok {
			names = append(names, e.Topic)
		}
		by[e.Topic] = append(by[e.Topic], e)
	}
	return names, by
}

func (s *Service) topicMenu(req *bot.Request) *bot.Reply {
	l := s.lang(req)
	names, by := topics(s.indexes.Index(scope(req)).KB())
	var opts []discordgo.SelectMenuOption
	for i, n := range names {
		if i == bot.MaxSelectOptions {
			break
		}
		opts = append(opts, discordgo.SelectMenuOption{Label: n, Value: strconv.Itoa(i), Description: l.T("topic_questions", "Count", len(by[n]))})
	}
	return &bot.Reply{
		Content: l.T("topics_pick"),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: "/topics/pick", Placeholder: l.T("topics_placeholder"), Options: opts},
		}}},
	}
}

func (s *Service) handleTopicPick(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Values) != 1 {
		return nil, &bot.UserError{Msg: s.lang(req).T("err_pick_one_topic")}
	}
	return s.topicPage(req, req.Values[0], "0")
}

func (s *Service) handleTopicPage(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return s.topicPage(req, req.Params["topic"], req.Params["page"])
}

// topicPage shows one page of a topic's questions, each with a button that
// opens it, and buttons to page.
func (s *Service) topicPage(req *bot.Request, topicArg, pageArg string) (*bot.Reply, error) {
	l := s.lang(req)
	names, by := topics(s.indexes.Index(scope(req)).KB())
	t, err1 := strconv.Atoi(topicArg)
	page, err2 := strconv.Atoi(pageArg)
	if err1 != nil || err2 != nil || t < 0 || t >= len(names) {
		return nil, &bot.UserError{Msg: l.T("err_topics_stale")}
	}
	entries := by[names[t]]
	pages := (len(entries) + topicPage - 1) / topicPage
	page = min(max(page, 0), pages-1)
	var lines []string
	var sugg []kb.Suggestion
	for i, e := range entries[page*topicPage : min(len(entries), (page+1)*topicPage)] {
		lines = append(lines, fmt.Sprintf("%d. %s", page*topicPage+i+1, bot.Escape(e.Question)))
		sugg = append(sugg, kb.Suggestion{ID: e.ID, Question: e.Question})
	}
	nav := []discordgo.MessageComponent{
		discordgo.Button{Label: "◀ " + l.T("button_previous"), Style: discordgo.SecondaryButton, Disabled: page == 0, CustomID: bot.MustCustomID("topics", strconv.Itoa(t), strconv.Itoa(max(page-1, 0)))},
		discordgo.Button{Label: l.T("button_next") + " ▶", Style: discordgo.SecondaryButton, Disabled: page >= pages-1, CustomID: bot.MustCustomID("topics", strconv.Itoa(t), strconv.Itoa(min(page+1, pages-1)))},
		discordgo.Button{Label: l.T("button_all_topics"), Style: discordgo.SecondaryButton, CustomID: "/topics/home"},
	}
	return &bot.Reply{
		Update: true,
		Embeds: []*discordgo.MessageEmbed{{
			Title:       bot.Escape(names[t]),
			Description: strings.Join(lines, "\n") + "\n\n" + l.T("topics_press"),
			Footer:      &discordgo.MessageEmbedFooter{Text: l.T("page_of", "Page", page+1, "Pages", pages)},
			Color:       colorAnswer,
		}},
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: entryButtons(sugg)},
			discordgo.ActionsRow{Components: nav},
		},
	}, nil
}
