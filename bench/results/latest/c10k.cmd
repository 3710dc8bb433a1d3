/usr/bin/java -jar bench/target/squall-bench.jar http-load --parallel 10000 --seconds 61 http://127.0.0.1:34829/
