/usr/bin/java -jar bench/target/squall-bench.jar http-load --parallel 1000 --seconds 5 http://127.0.0.1:40243/
