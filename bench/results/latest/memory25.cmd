/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -XX:+UseSerialGC -jar bench/target/squall-bench.jar memory --count 100000
