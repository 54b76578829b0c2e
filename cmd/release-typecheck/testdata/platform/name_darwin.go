package main

// #include <stdlib.h>
import "C"

func platformName() string { return "darwin" }
