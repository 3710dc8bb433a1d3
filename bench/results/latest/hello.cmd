env JAVA=/usr/bin/java bench/compare-http.sh --duration 10 --warmup 5
