module crisisbot

go 1.26

require github.com/sahilm/fuzzy v0.1.3

require github.com/joho/godotenv v1.5.1 // indirect
