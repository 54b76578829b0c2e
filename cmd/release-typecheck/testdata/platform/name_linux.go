package main

func platformName() string { return "linux" }
