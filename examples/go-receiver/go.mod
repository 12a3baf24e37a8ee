module lamina-go-receiver

go 1.19

require lamina v0.0.0

replace lamina => ../../sdk-go
