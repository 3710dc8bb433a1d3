env JAVA=/usr/bin/java bench/compare-http.sh --duration 2 --warmup 1
