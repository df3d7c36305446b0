module crisisbot

go 1.26

require github.com/sahilm/fuzzy v0.1.3
