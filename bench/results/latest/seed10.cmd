/usr/bin/java -jar bench/target/squall-bench.jar seed --parallel 200 --seconds 10
