/usr/bin/java -jar bench/target/squall-bench.jar http-load --parallel 200 --seconds 30 http://127.0.0.1:42595/
